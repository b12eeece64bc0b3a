from __future__ import annotations

import pytest

from gongkai.catalogue.tests.factories import ItemFactory, Office
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role

from .planted import PlantedSite


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """The people of these tests never sign in with a password: hashing one per person need not be slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def planted(settings):
    """The public side, served by a planted site; the checker's limits small enough for loopback."""
    with PlantedSite() as site:
        settings.PUBLIC_SITE_URL = site.root
        settings.WEBHEALTH_LIMITS = {**settings.WEBHEALTH_LIMITS, "connect_timeout": 2.0, "read_timeout": 3.0,
                                     "retries": 0, "max_pages": 100}
        yield site


@pytest.fixture
def city(db):
    return GovernmentFactory(slug="city")


@pytest.fixture
def office(city):
    """An organ below the city with one person per role; the city's disclosure office supervises it."""
    return Office(OrganFactory(parent=city, slug="gxj"))


@pytest.fixture
def city_office(city):
    return member(city, Role.DISCLOSURE_OFFICE)


@pytest.fixture
def outsider(db):
    return member(OrganFactory(), Role.WEB_ADMIN, Role.DISCLOSURE_OFFICE)


@pytest.fixture
def item(office):
    return ItemFactory(organ=office.organ, created_by=office.clerk)


def plant_column(site: PlantedSite, organ, item, *, broken=("/gone",)) -> None:
    """The organ's column links to the item's page, which links to ``broken`` (404) and to a page that exists."""
    slug = organ.slug
    site.pages[f"/{slug}/"] = f'<a href="/{slug}/items/{item.pk}/">通知</a> <a href="/{slug}/about/">机构</a>'
    site.pages[f"/{slug}/about/"] = "<p>机构职能</p>"
    site.pages[f"/{slug}/items/{item.pk}/"] = "".join(
        f'<a href="{path}">附件{n}</a> ' for n, path in enumerate(broken)) + f'<a href="/{slug}/about/">机构</a>'
