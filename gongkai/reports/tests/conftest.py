import pytest

from gongkai.reports.tests.factories import Office


@pytest.fixture
def office(db):
    return Office()
