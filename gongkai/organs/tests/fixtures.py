"""Fixtures of an organ and the people who handle a case in it, for the tests of every subject whose cases staff
handle (applications, the message box). Loaded for the whole suite by the root conftest; an app's conftest or a test
module that needs another organ defines its own fixture of the same name, which wins there."""

from __future__ import annotations

import pytest

from gongkai.factories import DepartmentFactory, OrganFactory, member
from gongkai.organs.models import Role


@pytest.fixture
def organ(db):
    return OrganFactory(code="TEST01", slug="testorgan")


@pytest.fixture
def other_organ(db):
    return OrganFactory(code="TEST02", slug="testother")


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
def head(organ):
    return member(organ, Role.DEPARTMENT_HEAD)


@pytest.fixture
def deputy(organ):
    return member(organ, Role.DEPUTY_LEADER)


@pytest.fixture
def outsider(other_organ):
    """Every handling role, in another organ."""
    return member(other_organ, Role.CLERK, Role.DISCLOSURE_OFFICE, Role.DEPARTMENT_HEAD)
