"""Background jobs of the applications app (take primary keys / plain values)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def recompute_deadlines(years: list[int] | None = None, reason: str = "") -> int:
    """Recompute running deadlines after the working-day calendar changed (audited per application)."""
    from gongkai.applications.services import recompute_running

    return recompute_running(years=years, reason=reason)
