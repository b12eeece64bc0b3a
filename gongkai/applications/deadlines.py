"""The periodic deadline check. Each reminder is claimed by inserting a unique
``ReminderSent`` row first (a rerun, or a second worker, finds it taken and
sends nothing); lapsed corrections and unpaid fees are closed through the
services (which refuse a move already made)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.applications import outbox, services
from gongkai.applications.models import CLOCK_STATES, Application, Fee, FeeStatus, ReminderSent, Status
from gongkai.core.errors import DomainError
from gongkai.workdays.calendar import current


def reminder_days() -> list[int]:
    """Working days before the deadline at which handlers are reminded (setting APPLICATIONS_REMINDER_DAYS)."""
    return sorted({int(d) for d in getattr(settings, "APPLICATIONS_REMINDER_DAYS", (3, 1))}, reverse=True)


def _claim(application_id: int, kind: str, due_on: dt.date) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(application_id=application_id, kind=kind, due_on=due_on)
    except IntegrityError:
        return False
    return True


def check_deadlines(today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    calendar = current()
    summary = {"reminded": 0, "escalated": 0, "closed_uncorrected": 0, "closed_unpaid": 0}
    limits = [(days, calendar.add_working_days(today, days).due) for days in sorted(reminder_days())]
    if limits:
        window = Application.objects.filter(status__in=CLOCK_STATES, due_on__gt=today, due_on__lte=limits[-1][1])
        for application in window.select_related("organ", "assignee").iterator(chunk_size=500):
            # the nearest threshold only: a job that did not run at 3 days sends the 1-day reminder, not both
            days = next(d for d, limit in limits if application.due_on <= limit)
            if _claim(application.pk, f"ahead_{days}", application.due_on):
                with transaction.atomic():
                    outbox.deadline_ahead(application, days)
                summary["reminded"] += 1
    for application in Application.objects.overdue(today).select_related("organ").iterator(chunk_size=500):
        if _claim(application.pk, "overdue", application.due_on):
            with transaction.atomic():
                outbox.overdue(application)
            summary["escalated"] += 1
    lapsed = Application.objects.filter(status=Status.CORRECTION_REQUESTED, correction_deadline__lt=today)
    for application in lapsed.iterator(chunk_size=500):
        try:
            services.close_uncorrected(application, today=today)
            summary["closed_uncorrected"] += 1
        except DomainError:
            pass  # already moved by someone else
    unpaid = Fee.objects.filter(status=FeeStatus.NOTIFIED, pay_by__lt=today, application__status=Status.AWAITING_FEE)
    for fee in unpaid.select_related("application").iterator(chunk_size=500):
        try:
            services.close_unpaid(fee.application, today=today)
            summary["closed_unpaid"] += 1
        except DomainError:
            pass
    return summary
