"""Background jobs of the search index. Jobs take primary keys."""

from __future__ import annotations

from celery import shared_task

from gongkai.search import services


@shared_task(bind=True, max_retries=5, default_retry_delay=2)
def index_item(self, item_id: int) -> bool:
    """Bring one item's entry in the search index in line with the catalogue
    (added, replaced, or removed when it is no longer public)."""
    try:
        return services.reindex_item(item_id)
    except OSError as exc:  # the index folder is briefly unavailable
        raise self.retry(exc=exc)
