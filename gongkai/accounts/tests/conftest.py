import pytest

from gongkai.accounts.models import AdminRole
from gongkai.factories import UserFactory

PASSWORD = "pass-for-tests-1"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="sysadmin", admin_role=AdminRole.SYSTEM)


@pytest.fixture
def secadmin(db):
    return UserFactory(username="secadmin", admin_role=AdminRole.SECURITY)


@pytest.fixture
def auditadmin(db):
    return UserFactory(username="auditadmin", admin_role=AdminRole.AUDIT)


def sign_in(client, username, password=PASSWORD, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)
