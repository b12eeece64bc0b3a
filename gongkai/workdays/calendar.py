"""Chinese working days and deadline arithmetic.

A day is a working day when an administrator's override says so; otherwise
when the ``chinesecalendar`` package says so for the years it carries;
otherwise — for a year nobody has loaded — Monday to Friday, and every answer
that relied on such a day is marked *provisional*, never silently trusted.

Counting rule (documented default, regulations §2): the day of receipt is not
counted; day 1 is the first working day after it; the deadline is the end of
the Nth working day. Excluded periods (consultation, fee payment) are spans of
dates whose working days do not count.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import chinese_calendar
import chinese_calendar.constants
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

CACHE_KEY = "workdays:calendar-version"
_MAX_STEPS = 4000  # no deadline spans more than ~10 years of days


def _package_years() -> set[int]:
    years = set()
    for year in range(2004, 2100):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            break
        years.add(year)
    return years


PACKAGE_YEARS = frozenset(_package_years())
# The package's own is_workday() scans every holiday on each call (min/max to
# validate the date): ~120 µs a day. The same rule on frozen sets is ~100x
# faster, which matters when all running deadlines are recomputed.
PACKAGE_HOLIDAYS = frozenset(chinese_calendar.constants.holidays)
PACKAGE_WORKDAYS = frozenset(chinese_calendar.constants.workdays)


# 全国年节及纪念日放假办法: the public holidays that fall on the same date every year (元旦, 劳动节, 国庆节 1–3 Oct).
# The movable ones (春节, 清明, 端午, 中秋) and the State Council's make-up days need the year's schedule.
FIXED_DATE_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})


def source_label(source: str) -> str:
    """A calendar source as the reader is told it (a loaded year's source is what the administrator typed)."""
    labels = {
        "chinesecalendar": _("the State Council holiday schedule built into the platform"),
        "provisional": _("Monday to Friday less 元旦, 劳动节 and 国庆节 (provisional: the year's schedule is not loaded)"),
    }
    return str(labels.get(source, source))


def package_is_workday(day: dt.date) -> bool:
    """chinese_calendar.is_workday for a day of PACKAGE_YEARS."""
    return day in PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in PACKAGE_HOLIDAYS)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    reason: str = ""

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Deadline:
    """A deadline that can explain itself."""

    start: dt.date
    working_days: int
    due: dt.date
    excluded: list[tuple[Period, int]] = field(default_factory=list)  # period, working days skipped in it
    provisional_years: list[int] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    def describe(self) -> list[str]:
        """The deadline explained in sentences (translated), for every screen that shows it."""
        from django.utils.translation import gettext

        lines = [
            gettext("Counted from %(start)s (that day not counted): %(days)s working days, due at the end of %(due)s.")
            % {"start": self.start.isoformat(), "days": self.working_days, "due": self.due.isoformat()}
        ]
        for period, skipped in self.excluded:
            lines.append(
                gettext("Not counted: %(start)s to %(end)s (%(reason)s), %(days)s working days.")
                % {"start": period.start.isoformat(), "end": period.end.isoformat(), "reason": period.reason or "—", "days": skipped}
            )
        lines.append(gettext("Calendar used: %(sources)s.") % {"sources": "、".join(source_label(s) for s in self.sources)})
        if self.provisional:
            lines.append(str(PROVISIONAL_WARNING) + " " + gettext("Years: %(years)s.") % {
                "years": ", ".join(str(y) for y in self.provisional_years)
            })
        return lines

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "working_days": self.working_days,
            "due": self.due.isoformat(),
            "excluded": [
                {"start": p.start.isoformat(), "end": p.end.isoformat(), "reason": p.reason, "working_days": n}
                for p, n in self.excluded
            ],
            "provisional_years": self.provisional_years,
            "sources": self.sources,
        }


class WorkCalendar:
    """An immutable snapshot of the calendar: package data plus overrides."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None, loaded_years: dict[int, str] | None = None):
        self.overrides = dict(overrides or {})
        self.loaded_years = dict(loaded_years or {})

    def knows_year(self, year: int) -> bool:
        return year in self.loaded_years or year in PACKAGE_YEARS

    def source_of(self, year: int) -> str:
        if year in self.loaded_years:
            return self.loaded_years[year]
        if year in PACKAGE_YEARS:
            return "chinesecalendar"
        return "provisional"

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in PACKAGE_YEARS and day.year not in self.loaded_years:
            return package_is_workday(day)
        if day.year not in self.loaded_years:
            # A year nobody has loaded: weekdays, less the holidays fixed by law to a date (still provisional).
            return day.weekday() < 5 and (day.month, day.day) not in FIXED_DATE_HOLIDAYS
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        current = day
        for _step in range(_MAX_STEPS):
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                return current
        raise ValueError("no working day found")

    # Working days are looked up in a sorted table of ordinals over this span
    # (built once per snapshot, ~35,000 days); outside it the day-by-day walk is used.
    TABLE_FIRST = dt.date(2000, 1, 1)
    TABLE_LAST = dt.date(2100, 12, 31)

    def _table(self) -> list[int]:
        table = getattr(self, "_working_ordinals", None)
        if table is None:
            first, last = self.TABLE_FIRST.toordinal(), self.TABLE_LAST.toordinal()
            table = [o for o in range(first, last + 1) if self.is_working_day(dt.date.fromordinal(o))]
            self._working_ordinals = table
        return table

    def add_working_days(self, start: dt.date, days: int, excluded: Sequence[Period] = ()) -> Deadline:
        """The end of the ``days``-th counted working day after ``start``."""
        if days < 0:
            raise ValueError("days must not be negative")
        try:
            if not self.TABLE_FIRST <= start <= self.TABLE_LAST:
                raise IndexError
            due, skipped = self._walk_table(start, days, excluded)
        except IndexError:  # beyond the table
            due, skipped = self._walk_days(start, days, excluded)
        # Only the days after ``start`` were looked at, so only their years can make the answer provisional.
        years = set(range((start + dt.timedelta(days=1)).year, due.year + 1)) if due > start else set()
        ordered = sorted(dict.fromkeys(excluded), key=lambda p: (p.start, p.end, p.reason))  # a period given twice is listed once
        return Deadline(
            start=start,
            working_days=days,
            due=due,
            excluded=[(p, skipped.get(p, 0)) for p in ordered],
            provisional_years=sorted(y for y in years if not self.knows_year(y)),
            sources=sorted({self.source_of(y) for y in years or {start.year}}),
        )

    def _walk_table(self, start: dt.date, days: int, excluded: Sequence[Period]) -> tuple[dt.date, dict[Period, int]]:
        table = self._table()
        index = bisect.bisect_right(table, start.toordinal())  # the first working day after start
        skipped: dict[Period, int] = {}
        if days == 0:
            return start, skipped
        if not excluded:
            return dt.date.fromordinal(table[index + days - 1]), skipped
        spans = [(p.start.toordinal(), p.end.toordinal(), p) for p in excluded]
        counted = 0
        while True:
            ordinal = table[index]
            hit = next((p for first, last, p in spans if first <= ordinal <= last), None)
            if hit is not None:
                skipped[hit] = skipped.get(hit, 0) + 1
            else:
                counted += 1
                if counted == days:
                    return dt.date.fromordinal(ordinal), skipped
            index += 1

    def _walk_days(self, start: dt.date, days: int, excluded: Sequence[Period]) -> tuple[dt.date, dict[Period, int]]:
        """Day by day: the reference implementation, used outside the table."""
        skipped: dict[Period, int] = {}
        current, counted = start, 0
        for _step in range(_MAX_STEPS):
            if counted >= days:
                return current, skipped
            current += dt.timedelta(days=1)
            if not self.is_working_day(current):
                continue
            hit = next((p for p in excluded if p.contains(current)), None)
            if hit is not None:
                skipped[hit] = skipped.get(hit, 0) + 1
                continue
            counted += 1
        raise ValueError("deadline too far away")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many counted days have passed by the end of ``end``."""
        if end <= start:
            return 0
        if self.TABLE_FIRST <= start and end <= self.TABLE_LAST:
            table = self._table()
            return bisect.bisect_right(table, end.toordinal()) - bisect.bisect_right(table, start.toordinal())
        count, current = 0, start
        if (end - start).days > _MAX_STEPS * 10:
            raise ValueError("span too long")
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


_local = threading.local()


def current() -> WorkCalendar:
    """The calendar in force, rebuilt when an administrator changes it (the
    version lives in the shared cache, so every web process notices)."""
    from gongkai.workdays.models import CalendarYear, DayOverride

    version = cache.get(CACHE_KEY)
    if version is None:
        # A fresh token (not 0) when the key is missing or was evicted, so a
        # snapshot built before the eviction is never mistaken for current.
        cache.add(CACHE_KEY, uuid.uuid4().hex, None)
        version = cache.get(CACHE_KEY)
    snapshot = getattr(_local, "snapshot", None)
    if snapshot is None or snapshot[0] != version:
        overrides = dict(DayOverride.objects.values_list("date", "is_working"))
        years = dict(CalendarYear.objects.values_list("year", "source"))
        snapshot = (version, WorkCalendar(overrides, years))
        _local.snapshot = snapshot
    return snapshot[1]


def invalidate() -> None:
    """Make every process rebuild its snapshot. Called again when the
    surrounding transaction commits, so a process that rebuilt from the old
    rows in between does not keep them."""
    from django.db import transaction

    def bump() -> None:
        cache.set(CACHE_KEY, uuid.uuid4().hex, None)
        _local.snapshot = None

    bump()
    transaction.on_commit(bump)


def missing_years(horizon: int = 1, today: dt.date | None = None) -> list[int]:
    """Years from this one to ``horizon`` years ahead whose holiday schedule is
    neither in the chinesecalendar package nor loaded by an administrator.
    Deadlines falling in them are provisional (weekends only)."""
    today = today or dt.date.today()
    calendar = current()
    return [year for year in range(today.year, today.year + horizon + 1) if not calendar.knows_year(year)]


def is_working_day(day: dt.date) -> bool:
    return current().is_working_day(day)


def add_working_days(start: dt.date, days: int, excluded: Sequence[Period] = ()) -> Deadline:
    return current().add_working_days(start, days, excluded)


PROVISIONAL_WARNING = _(
    "This deadline falls in a year whose holiday schedule is not loaded; it counts Monday–Friday only "
    "and will be recomputed when an administrator loads the schedule."
)
