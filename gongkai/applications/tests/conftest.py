"""The applications' own fixtures; the organ and its people are gongkai/organs/tests/fixtures.py's."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.factories import member
from gongkai.organs.models import Role


@pytest.fixture
def chain_people(organ):
    """The default reply chain: department head → deputy leader → principal leader."""
    return [member(organ, Role.DEPARTMENT_HEAD), member(organ, Role.DEPUTY_LEADER), member(organ, Role.PRINCIPAL_LEADER)]


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def recent_workday(today):
    """A recent day, so deadlines counted from it are still running today."""
    from gongkai.workdays.calendar import current

    day = today - dt.timedelta(days=1)
    while not current().is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
