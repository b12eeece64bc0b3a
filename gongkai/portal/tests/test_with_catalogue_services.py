"""End to end with the catalogue's own services: what the web administrator
publishes, repeals or withdraws reaches the public pages and the search
through the ``item_public_changed`` signal alone."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.catalogue import services
from gongkai.catalogue.models import Validity
from gongkai.catalogue.tests.factories import Office
from gongkai.search.services import search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office():
    return Office()


def test_a_published_item_appears_in_the_cached_catalogue_and_the_search(client, office, django_capture_on_commit_callbacks):
    catalogue = f"/{office.organ.slug}/catalogue/"
    client.get(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        item = office.published(title="关于开展城镇燃气安全专项整治的通知")
    assert item.title in client.get(catalogue).content.decode()
    assert search("燃气安全").ids == [item.pk]


def test_a_repeal_shows_its_explanation_on_the_cached_item_page(client, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = office.published()
    url = f"/{office.organ.slug}/items/{item.pk}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_validity(
            item, by=office.webadmin, validity=Validity.REPEALED, on=dt.date.today(), explanation="已被新规定取代。"
        )
    assert "已被新规定取代。" in client.get(url).content.decode()


def test_a_withdrawn_item_leaves_the_page_and_the_search(client, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = office.published(title="关于开展城镇燃气安全专项整治的通知")
    url = f"/{office.organ.slug}/items/{item.pk}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(item, by=office.webadmin, reason="内容有误")
    assert client.get(url).status_code == 404 and search("燃气安全").total == 0


def test_a_draft_is_not_found_and_not_searchable(client, office):
    item = office.draft(title="尚在起草的燃气安全通知")
    assert client.get(f"/{office.organ.slug}/items/{item.pk}/").status_code == 404 and search("燃气安全").total == 0


def test_an_item_page_stays_cached_when_another_item_of_its_organ_is_published(
    client, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = office.published()
    url = f"/{office.organ.slug}/items/{item.pk}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        office.published(title="关于开展城镇燃气安全专项整治的通知")
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_small_column_total_is_counted_afresh_after_a_publish(client, office, django_capture_on_commit_callbacks):
    catalogue = f"/{office.organ.slug}/catalogue/"
    with django_capture_on_commit_callbacks(execute=True):
        office.published()
    client.get(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        office.published()
    assert client.get(catalogue).context["total"] == 2
