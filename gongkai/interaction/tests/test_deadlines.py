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


def test_the_reminder_is_marked_done_when_the_message_is_answered(message, clerk, head, deputy, office):
    services.assign(message, by=office, assignee=clerk)
    check_deadlines(message.due_on - dt.timedelta(days=1))
    reminder = Notification.objects.filter(recipient=clerk, reference=f"message:{message.pk}").first()
    assert reminder is not None and reminder.done_at is None
    message = services.accept(Message.objects.get(pk=message.pk), by=clerk)
    message = services.draft_reply(message, by=clerk, text="周末可以办理，请携带身份证。")
    message = services.submit_reply(message, by=clerk)
    message = services.decide_reply(message, by=head, decision="approve")
    message = services.decide_reply(message, by=deputy, decision="approve")
    services.send(message, by=clerk)
    reminder.refresh_from_db()
    assert reminder.done_at is not None
