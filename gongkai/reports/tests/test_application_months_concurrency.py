"""On PostgreSQL: a change committed while its month is being recounted leaves the month to be recounted
again (``changes``/``counted``), never counted without it. Transactional, so in a file of its own."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction

from gongkai.applications import changes
from gongkai.factories import OrganFactory
from gongkai.reports import stats
from gongkai.reports.models import ApplicationMonth, ApplicationMonthCount
from gongkai.reports.tests.factories import application

MARCH = dt.date(2025, 3, 1)


def _wait_for_a_lock_wait(timeout=30.0) -> bool:
    """True once another session of this database waits for a row lock."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                           " AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("first_ever", [False, True])
def test_a_change_committed_during_the_recount_of_its_month_leaves_the_month_stale(first_ever, monkeypatch):
    organ = OrganFactory()
    application(organ, received_on=dt.date(2025, 3, 3))
    if not first_ever:
        stats.application_groups([organ.pk], 2025)
        stats.applications_changed(organ.pk, [MARCH])  # March to recount
    counted, go = threading.Event(), threading.Event()
    real = ApplicationMonthCount.objects.bulk_create

    def held_after_counting(objs, **kwargs):
        if threading.current_thread().name == "recount":
            counted.set()  # the months are locked and counted; the new application is not among them
            go.wait(30)
        return real(objs, **kwargs)

    monkeypatch.setattr(ApplicationMonthCount.objects, "bulk_create", held_after_counting)
    errors = []

    def run(fn):
        def body():
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 — reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()
        return body

    recount = threading.Thread(target=run(lambda: stats.current_application_months([organ.pk], 2025)), name="recount")
    recount.start()
    assert counted.wait(30)
    def move():
        """What an intake service does: the new application and, beside it, the mark of its month."""
        with transaction.atomic():
            changes.mark(None, application(organ, received_on=dt.date(2025, 3, 4)))

    # Committed now; its mark (after the commit) waits for the recount's lock on March.
    change = threading.Thread(target=run(move))
    change.start()
    waited = _wait_for_a_lock_wait()
    go.set()
    recount.join(30)
    change.join(30)
    assert errors == [] and waited
    march = ApplicationMonth.objects.get(organ=organ, month=MARCH)
    assert march.counted != march.changes
    monkeypatch.undo()
    assert stats.application_groups([organ.pk], 2025)[0]["received"] == 2
