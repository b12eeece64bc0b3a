"""Background jobs of the annual report."""

from __future__ import annotations

from celery import shared_task

from gongkai.reports import services


@shared_task
def send_annual_report_reminders() -> dict:
    """Daily (Celery beat): remind organs to publish last year's report, flag late ones to the supervising office."""
    return services.send_reminders()
