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
    """What the public sees of an item changed: queue the item durably, then
    try to index it at once (the queue row is the retry if that fails)."""
    from gongkai.core.tasks import enqueue
    from gongkai.search.services import request_index
    from gongkai.search.tasks import index_item

    request_index([item_id])
    enqueue(index_item, item_id)
