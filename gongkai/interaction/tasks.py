"""Background jobs of the message box: they take primary keys and call one service."""

from __future__ import annotations

from celery import Task, shared_task


@shared_task(bind=True, acks_late=True, max_retries=None)
def check_attachment_job(self: Task, attachment_id: int) -> str:
    """Virus scan of one quarantined attachment (core.virus_scan.run_check: retried while clamd is down)."""
    from gongkai.core.virus_scan import run_check
    from gongkai.interaction.services import check_attachment

    return run_check(self, check_attachment, attachment_id)


@shared_task(acks_late=True)
def check_pending_attachments() -> int:
    """Periodic: queue the check of every attachment still in quarantine (e.g. clamd was down)."""
    from gongkai.core.virus_scan import queue_pending
    from gongkai.interaction.models import MessageAttachment

    return queue_pending(MessageAttachment, check_attachment_job)


@shared_task(acks_late=True)
def check_deadlines() -> dict:
    """Daily: reminders before the due day, escalation of overdue messages, the veto watch."""
    from gongkai.interaction.deadlines import check_deadlines as check

    return check()
