"""On PostgreSQL: 200 applicants submit the public form at once; every one
gets an application, with distinct, consecutive tracking numbers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application
from gongkai.applications.tests.factories import person_data
from gongkai.applications.tests.test_scale import person, serial, submit
from gongkai.factories import OrganFactory

SUBMISSIONS = 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_hundred_concurrent_submissions_get_consecutive_numbers(settings):
    # every submission comes from 127.0.0.1: the per-address limit is not what this test is about
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "100000/min"}
    organ = OrganFactory(code="CONC", slug="conc")
    url = reverse("applications_public:form", args=[organ.slug])

    def submit(n: int) -> int:
        try:
            data = person_data(subject=f"并发测试申请第{n}号")
            data["form_token"] = f"concurrency-token-{n:04d}-abcdefgh"
            return Client().post(url, data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(submit, range(SUBMISSIONS)))
    rows = list(Application.objects.filter(organ=organ).values_list("tracking_number", "subject"))
    serials = sorted(int(number.rsplit("-", 1)[1]) for number, _subject in rows)
    assert codes == [302] * SUBMISSIONS
    assert serials == list(range(1, SUBMISSIONS + 1))  # distinct and consecutive
    assert sorted(subject for _number, subject in rows) == sorted(f"并发测试申请第{n}号" for n in range(SUBMISSIONS))  # nothing lost


# Transactional tests live in files of their own: with ``--dist loadfile`` a file
# runs as a whole, and a flush in the middle of a file of ordinary tests would
# empty the seeded data under the tests after it.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_form_sent_four_times_at_once_makes_one_application_and_uses_one_number():
    organ = OrganFactory(code="TWICE", slug="twice")
    url = reverse("applications_public:form", args=[organ.slug])
    data = person_data()
    data["form_token"] = "sent-four-times-at-once-0000000000"

    def post(_n: int) -> int:
        try:
            return Client().post(url, data).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(post, range(4)))
    assert codes == [302] * 4
    assert [serial(a) for a in Application.objects.filter(organ=organ)] == [1]
    assert serial(submit(organ, id_number=person(20))) == 2
