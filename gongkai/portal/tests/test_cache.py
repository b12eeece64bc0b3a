"""The two tiers of the public page cache: the shared cache (one round trip
per hit, versions checked) and each process's memory (no round trip, valid
while nothing anywhere changed)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from gongkai.catalogue.models import Item
from gongkai.catalogue.signals import item_public_changed
from gongkai.catalogue.tests.factories import ItemFactory
from gongkai.factories import OrganFactory
from gongkai.portal import cache as page_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    return ItemFactory(organ=OrganFactory(slug="eco"), title="关于加强饮用水源保护的通知")


def url(item):
    return f"/{item.organ.slug}/items/{item.pk}/"


def change(item, capture):
    with capture(execute=True):
        item_public_changed.send(sender=Item, item_id=item.pk, organ_id=item.organ_id)


def test_a_page_served_once_is_served_again_from_the_process_memory_without_a_round_trip(client, item, monkeypatch):
    client.get(url(item))
    assert client.get(url(item))["X-Page-Cache"] == "hit"  # now in memory, versions just read

    def no_round_trip(*args, **kwargs):
        raise AssertionError("the shared cache was asked")

    monkeypatch.setattr(cache, "get_many", no_round_trip)
    monkeypatch.setattr(cache, "get", no_round_trip)
    response = client.get(url(item))
    assert response["X-Page-Cache"] == "hit" and item.title in response.content.decode()


def test_a_change_in_this_process_empties_its_memory_at_once(client, item, django_capture_on_commit_callbacks):
    client.get(url(item))
    Item.objects.filter(pk=item.pk).update(title="关于加强饮用水源地保护的通知")
    change(item, django_capture_on_commit_callbacks)
    response = client.get(url(item))
    assert response["X-Page-Cache"] == "miss" and "饮用水源地" in response.content.decode()


def test_another_processs_change_is_seen_once_the_memory_checks_again(client, item, monkeypatch):
    client.get(url(item))
    Item.objects.filter(pk=item.pk).update(title="关于加强饮用水源地保护的通知")
    # Another web process published: it bumped the shared versions, not this process's memory.
    for name in ("items", page_cache.item_key(item.pk)):
        cache.incr(page_cache.PREFIX + name)
    assert client.get(url(item))["X-Page-Cache"] == "hit"  # within LOCAL_CHECK_SECONDS: still the page in memory
    monkeypatch.setattr(page_cache._local, "checked", 0.0)  # the second has passed
    response = client.get(url(item))
    assert response["X-Page-Cache"] == "miss" and "饮用水源地" in response.content.decode()


def test_a_lost_version_never_revives_a_page_stored_under_it(client, item):
    client.get(url(item))
    page_cache.forget_local()
    Item.objects.filter(pk=item.pk).update(title="关于加强饮用水源地保护的通知")
    cache.delete(page_cache.PREFIX + page_cache.item_key(item.pk))  # evicted
    response = client.get(url(item))
    assert response["X-Page-Cache"] == "miss" and "饮用水源地" in response.content.decode()


def test_the_process_memory_keeps_to_its_size(client, settings):
    items = [ItemFactory(organ=OrganFactory(slug=f"o{n}"), title=f"关于第{n}批项目的公告") for n in range(6)]
    sizes = [len(client.get(url(i)).content) for i in items[:1]]
    settings.PORTAL_LOCAL_CACHE_BYTES = sizes[0] * 9  # room for about one page of eight
    page_cache.forget_local()
    for i in items:
        client.get(url(i))
    assert page_cache._local.size <= settings.PORTAL_LOCAL_CACHE_BYTES
    assert len(page_cache._local.pages) <= 9


def test_no_process_memory_when_it_is_turned_off(client, item, settings):
    settings.PORTAL_LOCAL_CACHE_BYTES = 0
    client.get(url(item))
    assert page_cache._local.pages == {}
    assert client.get(url(item))["X-Page-Cache"] == "hit"  # the shared cache still serves it


def test_a_version_is_read_once_per_request_and_afresh_in_the_next(monkeypatch):
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(list(keys)) or get_many(keys))
    page_cache.start_request()
    first = page_cache.versions(["conf"])
    read = len(reads)
    assert page_cache.versions(["conf"]) == first and len(reads) == read  # the second from the request's memo
    cache.incr(page_cache.PREFIX + "conf")  # another process changed the configuration meanwhile
    assert page_cache.versions(["conf"]) == first  # one page is rendered under one version
    page_cache.end_request()
    page_cache.start_request()
    assert page_cache.versions(["conf"]) != first  # the next request sees the change
    page_cache.end_request()


def test_a_bump_in_the_request_is_seen_by_the_rest_of_it():
    page_cache.start_request()
    before = page_cache.versions(["conf", "items"])
    page_cache.bump("items")
    after = page_cache.versions(["conf", "items"])
    page_cache.end_request()
    assert before.split(".")[0] == after.split(".")[0] and before != after


def test_outside_a_request_every_read_asks_the_shared_cache():
    first = page_cache.versions(["conf"])
    cache.incr(page_cache.PREFIX + "conf")
    assert page_cache.versions(["conf"]) != first


def test_small_look_ups_are_kept_in_the_process_until_the_configuration_changes(monkeypatch):
    from gongkai.portal import selectors

    calls = []
    assert selectors._cached("probe", lambda: calls.append(1) or ["a"]) == ["a"]
    get = cache.get

    def no_data_from_the_shared_cache(key, *args, **kwargs):
        assert not key.startswith("portal:data:"), "the shared cache was asked"
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", no_data_from_the_shared_cache)
    assert selectors._cached("probe", lambda: calls.append(1) or ["b"]) == ["a"] and calls == [1]
    monkeypatch.undo()
    page_cache.bump("conf")
    assert selectors._cached("probe", lambda: calls.append(1) or ["c"]) == ["c"] and calls == [1, 1]
