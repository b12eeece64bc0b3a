"""One notification through a real Celery worker on the configured broker
(Redis in production). Run with, e.g.:

    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_notify \\
    .venv/bin/python -m pytest gongkai/notify/tests/test_celery_worker.py
"""

import datetime as dt
import os
import time

import pytest

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs CELERY_BROKER_URL (a running broker)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_notification_is_sent_by_a_real_worker():
    from celery.contrib.testing.worker import start_worker
    from django.db import transaction

    from gongkai.celery import app
    from gongkai.factories import UserFactory
    from gongkai.notify.models import Notification, Status
    from gongkai.notify.services import notify

    app.conf.task_always_eager = False
    user = UserFactory()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            (row,) = notify(
                user,
                "application.new",
                {"tracking_number": "W-1", "organ": "某局", "subject": "预算", "due_on": dt.date(2026, 12, 28)},
                channels=["console"],
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            row.refresh_from_db()
            if row.status == Status.SENT:
                break
            time.sleep(0.2)

    assert row.status == Status.SENT
    assert row.attempts == 1
    assert Notification.objects.filter(status=Status.QUEUED).count() == 0
