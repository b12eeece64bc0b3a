"""The filters behind every ``overdue()`` and ``due_within()`` QuerySet, asked of rows with a date column.

The rows are calendar days whose status is the one chinesecalendar gives them, so they leave the calendar as it is:
National Day 2026 is off 1–7 October with Saturday 10 October worked."""

import datetime as dt

import pytest

from gongkai.workdays import due_dates
from gongkai.workdays.models import CalendarSource, DayOverride

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 9, 30)  # a Wednesday; the next working days are Thu 8, Fri 9 and Sat 10 October


@pytest.fixture
def days():
    dates = [D(2026, 9, 29), TODAY, D(2026, 10, 1), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12)]
    for day in dates:
        DayOverride.objects.create(date=day, is_working=day.month == 9 or day.day >= 8, source=CalendarSource.MANUAL)
    return DayOverride.objects.all()


def _dates(rows):
    return sorted(row.date for row in rows)


def test_overdue_is_a_due_date_before_today(days):
    assert _dates(days.filter(due_dates.overdue("date", TODAY))) == [D(2026, 9, 29)]


def test_due_within_counts_working_days_across_a_holiday(days):
    due = days.filter(due_dates.due_within("date", 3, TODAY))
    assert _dates(due) == [TODAY, D(2026, 10, 1), D(2026, 10, 9), D(2026, 10, 10)]


def test_due_within_no_working_days_is_due_today(days):
    assert _dates(days.filter(due_dates.due_within("date", 0, TODAY))) == [TODAY]
