"""Notifications that ask for a task are marked done by the move that ends the task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.outbox import reference
from gongkai.applications.tests.factories import received
from gongkai.factories import OrganFactory, member
from gongkai.notify.models import Channel, Notification
from gongkai.notify.services import mark_done
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    organ = OrganFactory()
    clerk = member(organ, Role.CLERK)
    office = member(organ, Role.DISCLOSURE_OFFICE)
    application = received(organ, on=dt.date.today(), by=clerk)
    return {"application": application, "clerk": clerk, "office": office}


def _inapp(application, **filters):
    return Notification.objects.filter(reference=reference(application), channel=Channel.INAPP, **filters)


def test_closing_the_case_marks_its_staff_notices_done(case):
    application = case["application"]
    assert _inapp(application, event="application.new", done_at__isnull=True).exists()
    services.withdraw(application, reason="申请人撤回")
    assert not _inapp(application, done_at__isnull=True).exists()
    assert Notification.objects.unread(case["office"]).count() == 0


def test_a_new_step_marks_the_notice_of_the_step_before_done(case):
    application, clerk = case["application"], case["clerk"]
    other = member(application.organ, Role.CLERK)
    services.assign(application, to=clerk, by=case["office"])
    first = _inapp(application, event="step.waiting").get()
    services.assign(application, to=other, by=case["office"])
    first.refresh_from_db()
    assert first.done_at is not None
    assert _inapp(application, event="step.waiting", done_at__isnull=True).get().recipient == other


def test_notices_that_only_inform_are_never_done(case):
    application = case["application"]
    marked = mark_done(reference(application))
    assert marked >= 1
    assert not Notification.objects.filter(reference=reference(application), recipient__isnull=True, done_at__isnull=False).exists()
    assert mark_done(reference(application)) == 0  # done once; the time is kept


def test_the_inbox_shows_a_done_notice_as_done(client, case):
    services.withdraw(case["application"], reason="申请人撤回")
    client.force_login(case["office"])
    page = client.get(reverse("notify:inbox")).content.decode()
    assert 'class="done"' in page
