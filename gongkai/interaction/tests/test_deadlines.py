"""The daily watch: reminders before the due day, escalation of overdue messages, the veto watch — once each."""

from __future__ import annotations

import datetime as dt

from gongkai.core.audit import trail_for
from gongkai.interaction import services
from gongkai.interaction.deadlines import check_deadlines
from gongkai.interaction.models import Message
from gongkai.interaction.tests.conftest import DATA
from gongkai.notify.models import Notification


def test_the_handler_is_reminded_the_day_before_once(message, clerk, office):
    services.assign(message, by=office, assignee=clerk)
    day_before = message.due_on - dt.timedelta(days=1)
    assert check_deadlines(day_before)["reminded"] == 1
    assert check_deadlines(day_before)["reminded"] == 0
    assert Notification.objects.filter(recipient=clerk).exists()


def test_an_overdue_message_is_escalated_to_the_office_once(message, office):
    late = message.due_on + dt.timedelta(days=1)
    assert check_deadlines(late)["escalated"] == 1
    assert check_deadlines(late)["escalated"] == 0
    assert Notification.objects.filter(recipient=office).exists()
    assert "interaction.escalated" in [e.action for e in trail_for(message)]


def test_an_extension_gives_the_new_deadline_its_own_escalation(message, clerk, office):
    services.accept(message, by=clerk)
    check_deadlines(message.due_on + dt.timedelta(days=1))
    message = services.extend(Message.objects.get(pk=message.pk), by=office, days=3, reason="核实")
    assert message.escalated_on is None


def test_a_message_unanswered_for_two_months_is_flagged(organ, office):
    today = dt.date(2026, 12, 7)
    old = services.submit_message(organ=organ, data=dict(DATA), received_on=today - dt.timedelta(days=70)).message
    assert check_deadlines(today)["flagged"] == 1
    assert "interaction.veto_flagged" in [e.action for e in trail_for(old)]
    assert check_deadlines(today)["flagged"] == 0


def test_answered_messages_are_left_alone(answered):
    assert check_deadlines(answered.due_on + dt.timedelta(days=30)) == {"reminded": 0, "escalated": 0, "flagged": 0}
