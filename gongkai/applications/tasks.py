"""Background jobs of the applications app (take primary keys / plain values)."""

from __future__ import annotations

from celery import Task, shared_task


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
def check_attachment_job(self: Task, attachment_id: int) -> str:
    """Virus scan of one quarantined attachment (core.virus_scan.run_check: retried while clamd is down)."""
    from gongkai.applications.services import check_attachment
    from gongkai.core.virus_scan import run_check

    return run_check(self, check_attachment, attachment_id)


@shared_task(acks_late=True)
def check_pending_attachments() -> int:
    """Periodic: queue the check of every attachment and released file still in quarantine (e.g. clamd was down)."""
    from django.db.models import Q

    from gongkai.applications.models import ApplicationAttachment, ReleasedFile
    from gongkai.core.models import FileCheck
    from gongkai.core.virus_scan import queue_pending

    waiting = ReleasedFile.objects.filter(Q(check_state=FileCheck.PENDING) | Q(redacted_check_state=FileCheck.PENDING))
    released = list(waiting.values_list("pk", flat=True)[:1000])
    for pk in released:
        check_released_file_job.delay(pk)
    return queue_pending(ApplicationAttachment, check_attachment_job) + len(released)


@shared_task(bind=True, acks_late=True, max_retries=None)
def check_released_file_job(self: Task, released_id: int) -> str:
    """Virus and sensitive-content check of a file to be released with a reply (retried while clamd is down)."""
    from gongkai.applications.services.released import check_released_file
    from gongkai.core.virus_scan import run_check

    return run_check(self, check_released_file, released_id)
