from __future__ import annotations

import datetime as dt

import pytest

from gongkai.factories import DepartmentFactory, OrganFactory, member
from gongkai.organs.models import Role


@pytest.fixture
def organ(db):
    return OrganFactory(code="TEST01", slug="testorgan")


@pytest.fixture
def department(organ):
    return DepartmentFactory(organ=organ, name="综合科")


@pytest.fixture
def clerk(organ, department):
    return member(organ, Role.CLERK, department=department)


@pytest.fixture
def office(organ):
    return member(organ, Role.DISCLOSURE_OFFICE)


@pytest.fixture
def chain_people(organ):
    """The default reply chain: department head → deputy leader → principal leader."""
    return [member(organ, Role.DEPARTMENT_HEAD), member(organ, Role.DEPUTY_LEADER), member(organ, Role.PRINCIPAL_LEADER)]


@pytest.fixture
def outsider(db):
    return member(OrganFactory(), Role.CLERK, Role.DISCLOSURE_OFFICE, Role.DEPARTMENT_HEAD)


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
