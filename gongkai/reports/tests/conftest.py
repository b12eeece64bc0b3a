import pytest

from gongkai.reports.tests.factories import Office


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Report tests make many people; hashing their passwords slowly tests nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(db):
    return Office()
