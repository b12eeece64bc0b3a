"""Changing the working-day calendar: loading a year's schedule and
overriding single days. Every change is audited, invalidates the calendar
snapshot and sends ``gongkai.workdays.signals.calendar_changed``.

The holiday-cn format (github.com/NateScarlet/holiday-cn, ``{year}.json``)::

    {"year": 2027, "papers": ["https://www.gov.cn/..."],
     "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, ...]}

``days`` lists only the exceptions to Monday–Friday: public holidays
(``isOffDay: true``) and make-up working days (调休, ``isOffDay: false``).
A year's file may list days at the very end of the previous year or the start
of the next (the New Year holiday); those are accepted when within 31 days of
the year.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.workdays import calendar
from gongkai.workdays.models import CalendarSource, CalendarYear, DayOverride
from gongkai.workdays.signals import calendar_changed

MIN_YEAR = 2000
MAX_YEAR = 2100
MARGIN_DAYS = 31  # days outside the year a file may list (New Year holiday across 31 December)
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DayChange:
    date: dt.date
    was_working: bool
    is_working: bool
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "was_working": self.was_working, "is_working": self.is_working, "name": self.name}


@dataclass
class YearPlan:
    """A validated holiday-cn file and what loading it would change."""

    year: int
    days: dict[dt.date, tuple[bool, str]]  # date -> (is_working, name)
    raw: dict[str, Any]
    changes: list[DayChange] = field(default_factory=list)
    replaces_year: str = ""  # the source the year had before ("" if none: provisional)

    @property
    def holidays(self) -> int:
        return sum(1 for working, _name in self.days.values() if not working)

    @property
    def makeup_days(self) -> int:
        return sum(1 for working, _name in self.days.values() if working)

    @property
    def changed_years(self) -> list[int]:
        return sorted({c.date.year for c in self.changes})


# Who changes the calendar: a person, or a command naming itself (the audit row records the name).
Changer = User | AnonymousUser | str | None


def _fail(message: str) -> NoReturn:
    raise DomainError(message, field="file")


def parse_holiday_cn(data: dict[str, Any] | bytes | str) -> tuple[int, dict[dt.date, tuple[bool, str]], dict[str, Any]]:
    """Validate a holiday-cn ``{year}.json`` document. Raises ``DomainError``
    (field ``file``) with a message naming the first problem found."""
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_FILE_BYTES:
            _fail(_("The file is larger than 1 MB; a holiday-cn year file is a few kilobytes."))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            _fail(_("The file is not UTF-8 text."))
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            _fail(_("The file is not valid JSON (line %(line)s, column %(column)s).") % {"line": exc.lineno, "column": exc.colno})
    if not isinstance(data, dict):
        _fail(_("The file must contain a JSON object with “year” and “days”."))
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        _fail(_("“year” is missing or not a whole number."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        _fail(_("“year” %(year)s is outside %(min)s–%(max)s.") % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR})
    entries = data.get("days")
    if not isinstance(entries, list):
        _fail(_("“days” is missing or not a list."))
    if not entries:
        _fail(_("“days” is empty: a year's schedule lists at least its public holidays."))
    first_allowed = dt.date(year, 1, 1) - dt.timedelta(days=MARGIN_DAYS)
    last_allowed = dt.date(year, 12, 31) + dt.timedelta(days=MARGIN_DAYS)
    days: dict[dt.date, tuple[bool, str]] = {}
    for index, entry in enumerate(entries, start=1):
        where = {"n": index}
        if not isinstance(entry, dict):
            _fail(_("Day %(n)s is not an object with name, date and isOffDay.") % where)
        raw_date = entry.get("date")
        try:
            day = dt.date.fromisoformat(raw_date) if isinstance(raw_date, str) and len(raw_date) == 10 else None
        except ValueError:
            day = None
        if day is None:
            _fail(_("Day %(n)s: “date” %(value)s is not a date like 2027-01-01.") % {**where, "value": json.dumps(raw_date)})
        if not first_allowed <= day <= last_allowed:
            _fail(_("Day %(n)s: %(date)s does not belong to the year %(year)s.") % {**where, "date": day, "year": year})
        off = entry.get("isOffDay")
        if not isinstance(off, bool):
            _fail(_("Day %(n)s (%(date)s): “isOffDay” must be true or false.") % {**where, "date": day})
        name = entry.get("name", "")
        if not isinstance(name, str) or len(name) > 60:
            _fail(_("Day %(n)s (%(date)s): “name” must be text of at most 60 characters.") % {**where, "date": day})
        if day in days:
            _fail(_("Day %(n)s: %(date)s is listed twice.") % {**where, "date": day})
        days[day] = (not off, name.strip())
    if not any(day.year == year for day in days):
        _fail(_("No day of the file falls in %(year)s.") % {"year": year})
    return year, days, data


def _years_range(years: set[int]) -> Iterator[dt.date]:
    for year in sorted(years):
        day = dt.date(year, 1, 1)
        while day.year == year:
            yield day
            day += dt.timedelta(days=1)


def _calendar_after(before: calendar.WorkCalendar, year: int, days: dict[dt.date, tuple[bool, str]]) -> calendar.WorkCalendar:
    overrides = dict(before.overrides)
    # Rows that came from an earlier file of this year and are not in the new one fall back to Monday–Friday.
    for day in DayOverride.objects.filter(date__year=year, source=CalendarSource.HOLIDAY_CN).values_list("date", flat=True):
        if day not in days:
            overrides[day] = day.weekday() < 5
    for day, (working, _name) in days.items():
        overrides[day] = working
    loaded = dict(before.loaded_years)
    loaded[year] = CalendarSource.HOLIDAY_CN
    return calendar.WorkCalendar(overrides, loaded)


def preview_holiday_cn(data: dict[str, Any] | bytes | str) -> YearPlan:
    """Validate a holiday-cn file and list the days whose status would change.
    Writes nothing."""
    year, days, raw = parse_holiday_cn(data)
    before = calendar.current()
    after = _calendar_after(before, year, days)
    years = {year} | {day.year for day in days}
    changes = []
    for day in _years_range(years):
        was, now = before.is_working_day(day), after.is_working_day(day)
        if was != now:
            changes.append(DayChange(day, was, now, days.get(day, (now, ""))[1]))
    replaces = before.source_of(year)
    return YearPlan(year=year, days=days, raw=raw, changes=changes, replaces_year="" if replaces == "provisional" else replaces)


@transaction.atomic
def load_holiday_cn(data: dict[str, Any] | bytes | str, *, by: Changer, reason: str = "", note: str = "") -> YearPlan:
    """Load (or reload) a year's schedule from a holiday-cn file. The file wins
    for every day it lists, also over a manual override (the audit keeps the
    old value); days an earlier file of the year listed and this one does not
    go back to Monday–Friday. Returns the plan that was applied."""
    plan = preview_holiday_cn(data)
    year_row, created = CalendarYear.objects.select_for_update().get_or_create(
        year=plan.year, defaults={"source": CalendarSource.HOLIDAY_CN, "loaded_by": by if _is_user(by) else None, "raw": plan.raw}
    )
    if not created:
        year_row.source = CalendarSource.HOLIDAY_CN
        year_row.loaded_by = by if _is_user(by) else None
        year_row.raw = plan.raw
    year_row.note = (note or "")[:200]
    year_row.reason = (reason or "").strip()[:300]
    year_row.save()
    replaced_manual = []
    existing = {row.date: row for row in DayOverride.objects.select_for_update().filter(date__in=list(plan.days))}
    for day, (working, name) in plan.days.items():
        row = existing.get(day)
        if row is None:
            DayOverride.objects.create(
                date=day, is_working=working, name=name, source=CalendarSource.HOLIDAY_CN, changed_by=by if _is_user(by) else None,
                reason=(reason or "").strip()[:300],
            )
            continue
        if row.source == CalendarSource.MANUAL and row.is_working != working:
            replaced_manual.append(day.isoformat())
        row.is_working, row.name, row.source = working, name, CalendarSource.HOLIDAY_CN
        row.changed_by = by if _is_user(by) else None
        row.reason = (reason or "").strip()[:300]
        row.save()
    dropped = []
    for row in DayOverride.objects.select_for_update().filter(date__year=plan.year, source=CalendarSource.HOLIDAY_CN).exclude(
        date__in=list(plan.days)
    ):
        row.is_working, row.name = row.date.weekday() < 5, ""
        row.changed_by = by if _is_user(by) else None
        row.reason = (reason or "").strip()[:300]
        row.save()
        dropped.append(row.date.isoformat())
    log_action(
        year_row,
        "workdays.year_loaded",
        by=by,
        reason=reason,
        data={
            "year": plan.year,
            "source": CalendarSource.HOLIDAY_CN,
            "replaced": plan.replaces_year or "provisional",
            "holidays": plan.holidays,
            "makeup_days": plan.makeup_days,
            "changes": [c.as_dict() for c in plan.changes],
            "replaced_manual_overrides": replaced_manual,
            "dropped_days": dropped,
            "papers": plan.raw.get("papers", []) if isinstance(plan.raw.get("papers", []), list) else [],
        },
    )
    calendar.invalidate()
    _announce(plan.changes, {plan.year}, by=by, reason=reason)
    return plan


@transaction.atomic
def set_day(date: dt.date, is_working: bool, name: str = "", *, by: Changer, reason: str) -> DayChange:
    """Override one day: a holiday on a weekday, a make-up working weekend
    (调休), or a correction. ``reason`` is required (it is the audit record)."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise DomainError(_("Give a date."), field="date")
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise DomainError(_("The date must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}, field="date")
    if not (reason or "").strip():
        raise DomainError(_("Say why the day is changed; the reason is kept in the audit trail."), field="reason")
    if len(name or "") > 60:
        raise DomainError(_("The name may have at most 60 characters."), field="name")
    was_working = calendar.current().is_working_day(date)
    row = DayOverride.objects.select_for_update().filter(date=date).first()
    old = {"is_working": row.is_working, "name": row.name, "source": row.source} if row else None
    if row is None:
        row = DayOverride(date=date)
    row.is_working, row.name, row.source = bool(is_working), (name or "").strip(), CalendarSource.MANUAL
    row.changed_by = by if _is_user(by) else None
    row.reason = reason.strip()[:300]
    row.save()
    change = DayChange(date, was_working, bool(is_working), row.name)
    log_action(row, "workdays.day_set", by=by, reason=reason, data={**change.as_dict(), "previous_override": old})
    calendar.invalidate()
    _announce([change] if was_working != bool(is_working) else [], {date.year}, by=by, reason=reason)
    return change


def _announce(changes: list[DayChange], years: set[int], *, by: Changer, reason: str) -> None:
    calendar_changed.send(
        sender=CalendarYear,
        years=sorted(years | {c.date.year for c in changes}),
        dates=sorted(c.date for c in changes),
        by=by,
        reason=reason,
    )


def _is_user(by: Changer) -> TypeGuard[User]:
    return bool(getattr(by, "is_authenticated", False))
