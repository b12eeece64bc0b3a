"""What the annual report counts (``Application.objects.reportable()`` and the dates it uses)."""

from __future__ import annotations

import pytest

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.applications.tests.factories import person_data, received

pytestmark = pytest.mark.django_db


def test_unconfirmed_online_application_is_not_counted(organ):
    services.submit_application(organ=organ, channel="web", data=person_data())
    assert not Application.objects.reportable().exists()


def test_confirmed_online_application_is_counted(organ, clerk):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    services.confirm_receipt(application, by=clerk)
    assert list(Application.objects.reportable()) == [application]


def test_withdrawal_after_receipt_is_counted_as_closed(organ, clerk, recent_workday):
    application = services.withdraw(received(organ, on=recent_workday, by=clerk), by=clerk)
    counted = Application.objects.reportable().get()
    assert (counted.pk, counted.closed_on is not None, counted.outcome) == (application.pk, True, "other")


def test_withdrawal_before_receipt_is_not_counted(organ):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    services.withdraw(application)
    assert not Application.objects.reportable().exists()


def test_split_parts_are_each_counted(organ, clerk, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    services.split(application, parts=[{"subject": "另一事项"}], by=clerk)
    assert Application.objects.reportable().count() == 2
