"""On PostgreSQL, index numbers stay unique and gap-free when many people
publish in one organ at the same moment (the counter row is locked)."""

import threading

import pytest
from django.db import connection

from gongkai.catalogue import services
from gongkai.catalogue.models import Item
from gongkai.catalogue.tests.factories import Office

THREADS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_simultaneous_publications_get_twenty_consecutive_numbers():
    office = Office()
    items = [office.approved(title=f"并发发布测试{i}") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def publish(item):
        from django.db import connections

        try:
            barrier.wait()
            services.publish(item, by=office.webadmin)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Item.objects.filter(organ=office.organ).values_list("index_serial", flat=True))
    numbers = set(Item.objects.filter(organ=office.organ).values_list("index_number", flat=True))
    assert serials == list(range(1, THREADS + 1))
    assert len(numbers) == THREADS
    assert connection.vendor == "postgresql"
