"""Background jobs of the catalogue, imported here so Celery workers register
them (``app.autodiscover_tasks()`` imports each app's ``tasks`` module)."""

from celery import shared_task

from gongkai.catalogue.importer import index_imported
from gongkai.core.virus_scan import ScannerUnavailable

__all__ = ["check_attachment_job", "check_pending_attachments", "index_imported"]


@shared_task(bind=True, acks_late=True, max_retries=None)
def check_attachment_job(self, attachment_id: int) -> str:
    """Virus scan and text of one attachment (quarantined until this has run). While clamd cannot
    be reached the job is retried with backoff on a worker; in-process the file waits for
    ``check_pending_attachments``."""
    from gongkai.catalogue.services import check_attachment

    try:
        return check_attachment(attachment_id)
    except ScannerUnavailable as error:
        if self.request.is_eager:
            return "pending"
        raise self.retry(exc=error, countdown=min(3600, 30 * 2 ** self.request.retries)) from error


@shared_task(acks_late=True)
def check_pending_attachments() -> int:
    """Periodic: queue the check of every attachment still in quarantine (e.g. clamd was down)."""
    from gongkai.catalogue.models import Attachment
    from gongkai.core.models import FileCheck

    ids = list(Attachment.objects.filter(check_state=FileCheck.PENDING).values_list("pk", flat=True)[:1000])
    for pk in ids:
        check_attachment_job.delay(pk)
    return len(ids)
