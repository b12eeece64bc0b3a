"""Two connections appending to the audit trail at once do not fork the chain (PostgreSQL row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from gongkai.core import chain
from gongkai.core.audit import log_action
from gongkai.core.models import AuditEvent
from gongkai.factories import OrganFactory

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.postgres]


def test_concurrent_appends_make_one_chain():
    organ = OrganFactory()
    per_thread, threads = 40, 4
    barrier = threading.Barrier(threads)
    errors = []

    def work(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                from django.db import transaction

                with transaction.atomic():
                    log_action(organ, "test.concurrent", data={"thread": n, "i": i})
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert connection.vendor == "postgresql"
    seqs = list(AuditEvent.objects.filter(action="test.concurrent").order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == per_thread * threads
    assert len(set(AuditEvent.objects.values_list("prev_hash", flat=True))) == AuditEvent.objects.count()
    result = chain.verify_chain()
    assert result.ok, str(result.broken)
