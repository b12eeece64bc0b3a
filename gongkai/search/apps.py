from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("Full-text search")

    def ready(self):
        from gongkai.catalogue.signals import item_public_changed, items_imported
        from gongkai.search import receivers

        item_public_changed.connect(receivers.reindex_on_change, dispatch_uid="search.reindex_on_change")
        items_imported.connect(receivers.index_on_import, dispatch_uid="search.index_on_import")
