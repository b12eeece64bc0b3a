"""The statutory clock (Art. 30, 32–34): deadlines as pure functions of an
application's facts, so they can be stored in indexed columns and recomputed
whenever the facts or the working-day calendar change.

- Reply: 20 working days after the clock start (the date of receipt, or the
  receipt of the corrected application — a restart, not a pause), plus an
  approved extension (≤ 20), not counting working days inside consultation
  periods (third party / other agency, 15 working days each) nor, when
  ``APPLICATIONS_FEE_TIME_EXCLUDED`` is on, the fee payment period.
- Correction notice: within 7 working days of receipt, once.
- Internal target: the organ's ``draft_reply_days`` after the clock start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from gongkai.workdays.calendar import Deadline, Period, WorkCalendar
from gongkai.workdays.calendar import current as current  # the calendar the clock counts with, asked here by callers

if TYPE_CHECKING:
    from gongkai.applications.models import Application, Fee

REPLY_DAYS = 20  # Art. 33
MAX_EXTENSION_DAYS = 20  # Art. 33
CORRECTION_NOTICE_DAYS = 7  # Art. 30
CONSULTATION_DAYS = 15  # Art. 32, 34


def fee_time_excluded() -> bool:
    return bool(getattr(settings, "APPLICATIONS_FEE_TIME_EXCLUDED", True))


@dataclass
class Clock:
    reply: Deadline
    internal: Deadline
    correction_notice: Deadline
    explanation: dict[str, Any]


def _waiting(sent: dt.date, end: dt.date, reason: str) -> Period | None:
    """The time spent waiting on someone else, counted by the same rule as every deadline: the day the
    letter or notice goes out is a day of the reply clock (not counted as waiting); waiting runs from
    the next day to the day of the answer or payment (or, while pending, the last day allowed). A third
    party silent for its 15 working days thus excludes exactly 15; an answer the same day, none."""
    start = sent + dt.timedelta(days=1)
    return Period(start, end, reason) if end >= start else None


def excluded_periods(application: Application) -> list[Period]:
    """Consultation periods (and, if configured, the fee payment period) of an application."""
    periods: list[Period | None] = []
    if application.pk:
        for consultation in application.consultations.all():
            end = consultation.answered_on or consultation.answer_due_on
            periods.append(_waiting(consultation.sent_on, end, f"consultation:{consultation.kind}:{consultation.party}"))
        fee = _fee_of(application) if fee_time_excluded() else None
        if fee is not None:
            periods.append(_waiting(fee.notified_on, fee.paid_on or fee.pay_by, "fee"))
    return [p for p in periods if p is not None]


def _fee_of(application: Application) -> Fee | None:
    from gongkai.applications.models import Fee

    try:
        return application.fee
    except Fee.DoesNotExist:
        return None


def compute(application: Application, *, calendar: WorkCalendar | None = None) -> Clock | None:
    """The deadlines of an application whose receipt is known; None before that."""
    if application.received_on is None:
        return None
    calendar = calendar or current()
    start = application.clock_start or application.received_on
    periods = excluded_periods(application)
    days = REPLY_DAYS + min(application.extension_days or 0, MAX_EXTENSION_DAYS)
    reply = calendar.add_working_days(start, days, periods)
    internal = calendar.add_working_days(start, application.organ.draft_reply_days)
    notice = calendar.add_working_days(application.received_on, CORRECTION_NOTICE_DAYS)
    explanation = {
        "received_on": application.received_on.isoformat(),
        "clock_start": start.isoformat(),
        "restarted_after_correction": application.corrected_on is not None and start == application.corrected_on,
        "base_days": REPLY_DAYS,
        "extension_days": application.extension_days or 0,
        "fee_time_excluded": fee_time_excluded(),
        "reply": reply.as_dict(),
        "internal_target": internal.as_dict(),
        "correction_notice_due": notice.due.isoformat(),
        "provisional": reply.provisional,
    }
    return Clock(reply=reply, internal=internal, correction_notice=notice, explanation=explanation)


def apply(application: Application, *, calendar: WorkCalendar | None = None) -> bool:
    """Set the stored deadline columns from the facts. True when something changed."""
    clock = compute(application, calendar=calendar)
    before = (application.due_on, application.internal_due_on, application.correction_notice_due_on)
    if clock is None:
        application.due_on = application.internal_due_on = application.correction_notice_due_on = None
        application.due_explanation = {}
    else:
        application.due_on = clock.reply.due
        application.internal_due_on = clock.internal.due
        application.correction_notice_due_on = clock.correction_notice.due
        application.due_explanation = clock.explanation
    return before != (application.due_on, application.internal_due_on, application.correction_notice_due_on)


def consultation_due(sent_on: dt.date, *, calendar: WorkCalendar | None = None) -> Deadline:
    return (calendar or current()).add_working_days(sent_on, CONSULTATION_DAYS)
