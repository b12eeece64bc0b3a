"""Background jobs of the catalogue, imported here so Celery workers register
them (``app.autodiscover_tasks()`` imports each app's ``tasks`` module)."""

from celery import Task, shared_task

__all__ = ["check_attachment_job", "check_pending_attachments"]


@shared_task(bind=True, acks_late=True, max_retries=None)
def check_attachment_job(self: Task, attachment_id: int) -> str:
    """Virus scan and text of one quarantined attachment (core.virus_scan.run_check: retried while clamd is down)."""
    from gongkai.catalogue.services import check_attachment
    from gongkai.core.virus_scan import run_check

    return run_check(self, check_attachment, attachment_id)


@shared_task(acks_late=True)
def check_pending_attachments() -> int:
    """Periodic: queue the check of every attachment still in quarantine (e.g. clamd was down)."""
    from gongkai.catalogue.models import Attachment
    from gongkai.core.virus_scan import queue_pending

    return queue_pending(Attachment, check_attachment_job)
