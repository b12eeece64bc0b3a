"""Background jobs of the annual report."""

from __future__ import annotations

from celery import shared_task

from gongkai.reports import services


@shared_task
def send_annual_report_reminders() -> dict:
    """Daily (Celery beat): remind organs to publish last year's report, flag late ones to the supervising office."""
    return services.send_reminders()


@shared_task
def check_application_months() -> int:
    """Nightly (Celery beat): recount the dashboard's application months held current; a month whose figures had
    drifted from the register (a write around the services) is logged as a warning and left corrected."""
    import logging

    from gongkai.reports.month_check import recount_current_months

    drift = recount_current_months()
    for organ_id, month in drift:
        logging.getLogger(__name__).warning("application month drift: organ %s, %s (recounted)", organ_id, f"{month:%Y-%m}")
    return len(drift)
