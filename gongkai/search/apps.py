from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("Full-text search")

    def ready(self):
        from gongkai.catalogue.signals import item_public_changed

        item_public_changed.connect(reindex_on_change, dispatch_uid="search.reindex_on_change")


def reindex_on_change(sender, item_id, organ_id=None, **kwargs):
    """What the public sees of an item changed: update its index entry."""
    from gongkai.core.tasks import enqueue
    from gongkai.search.tasks import index_item

    enqueue(index_item, item_id)
