"""The index never silently loses a publish: with the writer lock held the
publish commits, the item is queued durably, and the retry job indexes it
once the lock is free; reconciliation repairs drift both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Item, ItemState
from gongkai.catalogue.tests.factories import ItemFactory, Office
from gongkai.search import index as ix
from gongkai.search.models import PendingIndex
from gongkai.search.services import find_drift, index_pending, reconcile, reindex_item, search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _index_exists():
    ix.get_index()  # the index of a running site exists before anyone holds its lock

LATER = dt.timedelta(minutes=10)


def test_a_publish_while_the_writer_lock_is_held_is_indexed_after_release(django_capture_on_commit_callbacks):
    office = Office()
    item = office.approved(title="关于开展燃气管道安全隐患排查的通知")
    with ix._file_lock():  # another process (a rebuild, a worker) writes the index
        with django_capture_on_commit_callbacks(execute=True):
            catalogue.publish(item, by=office.webadmin)
        # The publish committed without waiting for the index.
        assert Item.objects.get(pk=item.pk).state == ItemState.PUBLISHED
        row = PendingIndex.objects.get(item_id=item.pk)
        assert row.done_at is None and row.attempts == 1 and row.due_at > timezone.now()
        assert "lock" in row.last_error
        # The retry job finds the lock still held: nothing is lost, the backoff grows.
        assert index_pending(now=timezone.now() + LATER)["failed"] == 1
        assert PendingIndex.objects.get(item_id=item.pk).attempts == 2
    assert search("燃气管道").total == 0
    call_command("index_pending_items", stdout=open("/dev/null", "w"))  # not due yet: backoff respected
    assert search("燃气管道").total == 0
    result = index_pending(now=timezone.now() + LATER)
    assert result == {"indexed": 1, "failed": 0, "pending": 0}
    assert search("燃气管道").ids == [item.pk]
    row = PendingIndex.objects.get(item_id=item.pk)
    assert row.done_at is not None and row.attempts == 0 and row.last_error == ""


def test_a_publish_with_a_free_index_is_searchable_at_once(django_capture_on_commit_callbacks):
    office = Office()
    item = office.approved(title="关于做好防汛抗旱工作的通知")
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.publish(item, by=office.webadmin)
    assert search("防汛抗旱").ids == [item.pk]
    assert PendingIndex.objects.get(item_id=item.pk).done_at is not None


def test_a_queued_retry_is_taken_up_by_the_next_in_process_publish(django_capture_on_commit_callbacks):
    office = Office()
    first = office.approved(title="供水管网改造工程公告")
    with ix._file_lock(), django_capture_on_commit_callbacks(execute=True):
        catalogue.publish(first, by=office.webadmin)
    PendingIndex.objects.filter(item_id=first.pk).update(due_at=timezone.now())
    second = office.approved(title="城市道路照明设施维护公告")
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.publish(second, by=office.webadmin)
    assert (search("供水管网").ids, search("道路照明").ids) == ([first.pk], [second.pk])


def test_a_request_during_indexing_is_not_marked_done():
    item = ItemFactory(title="关于公布行政事业性收费目录的通知")
    from gongkai.search.services import _mark_done, request_index

    request_index([item.pk])
    claimed = list(PendingIndex.objects.filter(item_id=item.pk))
    request_index([item.pk], now=timezone.now() + dt.timedelta(seconds=1))  # a newer change arrives
    _mark_done(claimed, timezone.now())
    assert PendingIndex.objects.get(item_id=item.pk).done_at is None


def test_reconciliation_repairs_missing_stale_and_gone_entries():
    missing = ItemFactory(title="关于开展耕地保护专项检查的通知")  # published, never indexed
    stale = ItemFactory(title="关于开展消防安全大检查的通知")
    gone = ItemFactory(title="拟录用公务员名单公示")
    kept = ItemFactory(title="关于加强饮用水源地保护的意见")
    for item in (stale, gone, kept):
        reindex_item(item.pk)
    # Changes that reached the database but never the index (a lost job, a restore).
    Item.objects.filter(pk=stale.pk).update(title="关于开展燃气安全大检查的通知", updated_at=timezone.now() + dt.timedelta(seconds=5))
    Item.objects.filter(pk=gone.pk).update(state=ItemState.WITHDRAWN)

    drift = find_drift(batch=2)
    assert (drift.missing, drift.stale, drift.gone) == ([missing.pk], [stale.pk], [gone.pk])
    assert search("耕地保护").total == 0 and search("公务员").ids == [gone.pk]

    call_command("reconcile_search_index", stdout=open("/dev/null", "w"))
    assert search("耕地保护").ids == [missing.pk]
    assert (search("燃气安全").ids, search("消防安全").total) == ([stale.pk], 0)
    assert search("公务员").total == 0
    assert search("水源地").ids == [kept.pk]
    assert find_drift().ids == []


def test_reconciliation_with_the_lock_held_keeps_the_drift_queued():
    item = ItemFactory(title="关于开展耕地保护专项检查的通知")
    with ix._file_lock():
        drift = reconcile()
    assert drift.missing == [item.pk]
    assert PendingIndex.objects.get(item_id=item.pk).done_at is None
    index_pending(now=timezone.now() + LATER)
    assert search("耕地保护").ids == [item.pk]


def test_on_a_worker_a_busy_index_retries_the_job_with_growing_backoff(monkeypatch):
    from gongkai.search.tasks import index_item

    item = ItemFactory(title="关于开展耕地保护专项检查的通知")
    asked = []

    def retry(exc=None, countdown=None, **kwargs):
        asked.append(countdown)
        return RuntimeError("retry")

    monkeypatch.setattr(index_item, "retry", retry)
    with ix._file_lock():
        for retries in (0, 3, 10):
            index_item.push_request(is_eager=False, retries=retries)
            try:
                with pytest.raises(RuntimeError):
                    index_item.run(item.pk)
            finally:
                index_item.pop_request()
    assert asked == [2, 16, 300]
    assert PendingIndex.objects.get(item_id=item.pk).attempts == 3
    index_item.push_request(is_eager=False, retries=0)
    try:
        assert index_item.run(item.pk) is True
    finally:
        index_item.pop_request()
    assert search("耕地保护").ids == [item.pk]
