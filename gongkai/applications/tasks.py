"""Background jobs of the applications app (take primary keys / plain values)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def recompute_deadlines(years: list[int] | None = None, reason: str = "", dates: list[str] | None = None) -> int:
    """Recompute running deadlines after the working-day calendar changed (audited per application)."""
    import datetime as dt

    from gongkai.applications.services import recompute_running

    days = [dt.date.fromisoformat(d) for d in dates] if dates else None
    return recompute_running(years=years, dates=days, reason=reason)


@shared_task(acks_late=True)
def check_deadlines() -> dict:
    """Periodic (Celery beat, hourly by default): reminders before a deadline, escalation of overdue
    cases, closing lapsed corrections and unpaid fees. Idempotent (each reminder is claimed once)."""
    from gongkai.applications.deadlines import check_deadlines as run

    return run()


@shared_task(bind=True, acks_late=True, max_retries=None)
def check_attachment_job(self, attachment_id: int) -> str:
    """Virus scan of one quarantined attachment; retried with backoff on a worker while clamd cannot
    be reached (in-process the file waits for ``check_pending_attachments``)."""
    from gongkai.applications.services import check_attachment
    from gongkai.core.virus_scan import ScannerUnavailable

    try:
        return check_attachment(attachment_id)
    except ScannerUnavailable as error:
        if self.request.is_eager:
            return "pending"
        raise self.retry(exc=error, countdown=min(3600, 30 * 2 ** self.request.retries)) from error


@shared_task(acks_late=True)
def check_pending_attachments() -> int:
    """Periodic: queue the scan of every attachment still in quarantine."""
    from gongkai.applications.models import ApplicationAttachment
    from gongkai.core.models import FileCheck

    ids = list(ApplicationAttachment.objects.filter(check_state=FileCheck.PENDING).values_list("pk", flat=True)[:1000])
    for pk in ids:
        check_attachment_job.delay(pk)
    return len(ids)
