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
