import pytest

from gongkai.catalogue.models import Category, Topic
from gongkai.factories import OrganFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Each test makes several people; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- the catalogue import tests (test_importer.py, test_import_writing.py) -------------


@pytest.fixture
def organ():
    return OrganFactory(code="ORG1", slug="gxj", index_template="{organ_code}/{year}-{serial:05d}")


@pytest.fixture
def user():
    return UserFactory(is_superuser=True)


@pytest.fixture
def taxonomy():
    """The seeded topic tree and categories (created here too, should a test database lack them)."""
    parent = Topic.objects.filter(name="工业、交通", parent=None).first() or Topic.objects.create(name="工业、交通", code="T06")
    if not Topic.objects.filter(name="工业", parent=parent).exists():
        Topic.objects.create(name="工业", code="T0601", parent=parent)
    Category.objects.get_or_create(code="TZGG", defaults={"name": "通知公告"})
    Category.objects.get_or_create(code="GFXWJ", defaults={"name": "行政规范性文件", "is_policy": True})
