"""The periodic deadline job is idempotent: reminders once, escalation once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from gongkai.applications import clock, services
from gongkai.applications.deadlines import check_deadlines
from gongkai.applications.models import Application, Status
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.tests.factories import received
from gongkai.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_reminder_is_sent_once_however_often_the_job_runs(organ, clerk):
    application = services.claim(received(organ, on=dt.date(2026, 11, 2), by=clerk), by=clerk)
    day_before = application.due_on - dt.timedelta(days=1)
    while not clock.current().is_working_day(day_before):
        day_before -= dt.timedelta(days=1)
    first = check_deadlines(today=day_before)
    second = check_deadlines(today=day_before)
    assert (first["reminded"], second["reminded"]) == (1, 0)


def test_overdue_is_escalated_to_the_disclosure_office_once(organ, clerk, office):
    application = services.claim(received(organ, on=dt.date(2026, 9, 1), by=clerk), by=clerk)
    first = check_deadlines()
    second = check_deadlines()
    assert (first["escalated"], second["escalated"]) == (1, 0)
    assert Notification.objects.filter(event="deadline.overdue", recipient=office).exists()
    assert Application.objects.overdue().get() == application


def test_lapsed_correction_is_closed_by_the_job(organ, clerk, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    services.request_correction(application, by=clerk, text="请明确", respond_within_days=1)
    application.refresh_from_db()
    check_deadlines(today=application.correction_deadline + dt.timedelta(days=2))
    application.refresh_from_db()
    assert (application.status, application.outcome) == (Status.CLOSED, Outcome.OTHER_NO_CORRECTION)


def test_command_runs(organ, capsys):
    call_command("check_application_deadlines")
    assert "reminded" in capsys.readouterr().out


def test_handlers_are_alerted_when_an_application_arrives(organ, clerk, recent_workday):
    received(organ, on=recent_workday, by=clerk)
    assert Notification.objects.filter(event="application.new", recipient=clerk).exists()


def test_applicant_is_told_of_receipt(organ, clerk, recent_workday):
    received(organ, on=recent_workday, by=clerk)
    assert "zhangsan@example.com" in [n.address for n in Notification.objects.filter(event="applicant.receipt")]


def test_due_within_and_waiting_for(organ, clerk, recent_workday):
    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    assert list(Application.objects.waiting_for(clerk)) == [application]
    assert application in Application.objects.due_within(30)
    assert application not in Application.objects.due_within(1)


def test_every_periodic_job_in_the_beat_schedule_is_a_registered_task(settings):
    from gongkai.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"gongkai.applications.tasks.check_deadlines", "gongkai.notify.tasks.send_pending_notifications"} <= names
    assert names <= set(app.tasks)


def test_the_periodic_task_escalates_an_overdue_case(organ, clerk, office):
    from gongkai.applications.tasks import check_deadlines as task

    services.claim(received(organ, on=dt.date(2026, 9, 1), by=clerk), by=clerk)
    assert task.delay().get()["escalated"] == 1
    assert Notification.objects.filter(event="deadline.overdue", recipient=office).exists()


def test_the_recompute_command_moves_a_stale_deadline_once_and_audits_it(organ, clerk, recent_workday, capsys):
    from gongkai.core.audit import trail_for

    application = services.claim(received(organ, on=recent_workday, by=clerk), by=clerk)
    right = application.due_on
    Application.objects.filter(pk=application.pk).update(due_on=right + dt.timedelta(days=1))  # computed by an older rule
    call_command("recompute_application_deadlines", reason="counting rule corrected")
    call_command("recompute_application_deadlines")
    application.refresh_from_db()
    assert application.due_on == right
    assert "deadlines changed: 1" in capsys.readouterr().out
    assert [e.reason for e in trail_for(application) if e.action == "applications.deadline_recomputed"] == ["counting rule corrected"]
