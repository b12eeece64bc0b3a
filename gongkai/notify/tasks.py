"""Background jobs of the notifications app (they take primary keys)."""

from __future__ import annotations

from celery import Task, shared_task

from gongkai.notify import services
from gongkai.notify.models import Notification, Status


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def send_notification(self: Task, pk: int) -> str:
    """Deliver one notification. On failure the row is marked ``retrying`` with
    its next attempt time, and — with a real broker — the task retries itself
    then (exponential backoff). In-process (no broker) the retry is left to the
    periodic ``send_pending_notifications``, so a request never waits on it."""
    result = services.deliver(pk)
    if result == Status.RETRYING.value and not self.request.is_eager:
        row = Notification.objects.only("attempts").get(pk=pk)
        raise self.retry(countdown=services.backoff(row.attempts).total_seconds())
    return str(result)


@shared_task
def send_pending_notifications() -> dict:
    """Periodic sweep (Celery beat, every minute): first attempts whose task
    was lost, retries that are due, and rows of a worker that died."""
    return services.send_pending()
