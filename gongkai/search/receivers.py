"""What the search index does when the catalogue says something happened (connected in ``SearchConfig.ready``)."""

from __future__ import annotations


def reindex_on_change(sender, item_id, organ_id=None, **kwargs) -> None:
    """What the public sees of an item changed: queue the item durably, then
    try to index it at once (the queue row is the retry if that fails)."""
    from gongkai.core.tasks import enqueue
    from gongkai.search.services import request_index
    from gongkai.search.tasks import index_item

    request_index([item_id])
    enqueue(index_item, item_id)
