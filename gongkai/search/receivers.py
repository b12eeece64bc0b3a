"""What the search index does when the catalogue says something happened (connected in ``SearchConfig.ready``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


def reindex_on_change(sender: object, item_id: int, organ_id: int | None = None, **kwargs: Any) -> None:
    """What the public sees of an item changed: queue the item durably, then
    try to index it at once (the queue row is the retry if that fails)."""
    from gongkai.core.tasks import enqueue
    from gongkai.search.services import request_index
    from gongkai.search.tasks import index_item

    request_index([item_id])
    enqueue(index_item, item_id)


def index_on_import(sender: object, organ_id: int, first_id: int, last_id: int, index: bool = True, **kwargs: Any) -> None:
    """An import wrote published items: add them to the index (in the background when Celery runs)."""
    if index:
        index_imported.delay(organ_id, first_id, last_id)


@shared_task
def index_imported(organ_id: int, first_id: int, last_id: int) -> int:
    """Add a range of imported items to the search index in one writer
    session (a writer per item would take hours for a large import)."""
    from gongkai.search import index as ix

    context = ix.context_for_indexing()
    items = ix.indexable_items().filter(organ_id=organ_id, pk__gte=first_id, pk__lte=last_id).order_by("pk")
    done = 0
    with ix.writer() as w:
        for item in items.iterator(chunk_size=2000):
            w.add_document(ix.make_document(ix.segment_fields(ix.item_fields(item, **context))))
            done += 1
    return done
