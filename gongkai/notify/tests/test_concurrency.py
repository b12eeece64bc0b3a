import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from gongkai.notify import backends, services
from gongkai.notify.models import Channel, Notification, Status


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_sweeping_at_once_send_each_row_exactly_once(monkeypatch):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(channel=Channel.CONSOLE, event="message", subject=f"s{i}", body="b", next_attempt_at=now) for i in range(60)
    )
    sent = Counter()
    lock = threading.Lock()

    def counting_send(notification):
        with lock:
            sent[notification.pk] += 1

    monkeypatch.setitem(backends.BACKENDS, "console", counting_send)
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            services.send_pending()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(sent) == 60
    assert set(sent.values()) == {1}
    assert Notification.objects.filter(status=Status.SENT).count() == 60
