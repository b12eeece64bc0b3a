"""Deadline questions asked of many rows at once: the filters behind the ``overdue()`` and ``due_within()``
QuerySet methods of every record that carries a due date (applications, messages). Each QuerySet adds its own
states (which rows are still on the clock); the dates are counted here, in working days of the calendar in force."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from gongkai.workdays.calendar import current


def overdue(field: str, today: dt.date | None = None) -> Q:
    """Rows whose due date ``field`` has passed: it is before ``today`` (超期)."""
    today = today or dt.date.today()
    return Q(**{f"{field}__lt": today})


def due_within(field: str, days: int, today: dt.date | None = None) -> Q:
    """Rows whose due date ``field`` falls within ``days`` working days: from ``today`` (included) to the end of the
    ``days``-th working day after it; overdue rows excluded. Zero or fewer days: due today."""
    today = today or dt.date.today()
    limit = current().add_working_days(today, days).due if days > 0 else today
    return Q(**{f"{field}__gte": today, f"{field}__lte": limit})
