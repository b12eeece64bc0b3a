"""Background jobs of the search index. Jobs take primary keys.

Every change is first queued durably (``search.PendingIndex``); these jobs
only carry it out, so a job that fails or is lost costs nothing but time."""

from __future__ import annotations

from celery import Task, shared_task

from gongkai.search import index as ix
from gongkai.search import services

# In-process (no broker): after indexing an item, also take up this many
# queued items whose retry is due, so an embedded install without cron heals
# on the next publish.
INLINE_PENDING = 20


@shared_task(bind=True, max_retries=None)
def index_item(self: Task, item_id: int) -> bool | None:
    """Bring one item's entry in the search index in line with the catalogue
    (added, replaced, or removed when it is no longer public). Never waits
    for the writer lock: when it is held, the item stays queued and the job
    retries with backoff (on a worker) or is left to ``index_pending_items``
    (in-process, where a retry would hold up the request)."""
    try:
        present = services.index_now(item_id)
    except ix.IndexBusy as exc:
        if self.request.is_eager:
            return None
        raise self.retry(exc=exc, countdown=services.backoff(self.request.retries + 1)) from None
    if self.request.is_eager:
        services.index_pending(limit=INLINE_PENDING)
    return present


@shared_task
def index_pending_items() -> dict:
    """Periodic: index the queued items whose next attempt is due."""
    return services.index_pending()


@shared_task
def reconcile_search_index() -> dict:
    """Periodic: compare the index with the published items and repair drift."""
    drift = services.reconcile()
    return {"missing": len(drift.missing), "stale": len(drift.stale), "gone": len(drift.gone)}
