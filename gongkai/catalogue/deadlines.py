"""Art. 26 of the Regulations: proactively disclosed information is published
within 20 working days of being formed or changed. Working days follow the
Chinese calendar with make-up weekends (``gongkai.workdays.calendar``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongkai.workdays import calendar
from gongkai.workdays.calendar import Deadline

PUBLICATION_LIMIT_DAYS = 20


def publication_deadline(date_formed: dt.date) -> Deadline:
    """The end of the 20th working day after the day the information was formed."""
    return calendar.add_working_days(date_formed, PUBLICATION_LIMIT_DAYS)


def last_day_formed_in_time(today: dt.date | None = None, *, ahead: int = 0) -> dt.date:
    """The earliest ``date_formed`` whose Art. 26 limit has not passed ``ahead``
    working days from ``today``: items formed before it are over the limit.

    The limit grows with ``date_formed``, so the boundary is found by walking
    back from today; at most a few dozen calendar days are looked at."""
    today = today or timezone.localdate()
    horizon = today
    for _step in range(ahead):
        horizon = calendar.current().next_working_day(horizon)
    day = horizon
    # Walk back until the item formed on ``day`` is over the limit at ``horizon``…
    while publication_deadline(day).due >= horizon:
        day -= dt.timedelta(days=1)
    # …the day after it is the first one still in time.
    return day + dt.timedelta(days=1)
