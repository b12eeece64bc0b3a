"""The daily watch over reply deadlines: a reminder to the handler the working day before a message falls due
(临期提醒), escalation of an overdue message to the organ's disclosure office (超期督办), and the veto watch — a
valid message unanswered two months after receipt is flagged to the office (单项否决预警).

Each message is claimed with a conditional UPDATE of its own date column before anyone is told, so a rerun or a
second worker sends nothing twice; escalation and flagging are written to the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.interaction.figures import FLAG_MONTHS, months_before
from gongkai.interaction.models import OPEN_STATES, Message
from gongkai.interaction.workflow import people_who_may
from gongkai.organs.models import Membership, Role
from gongkai.workdays.calendar import add_working_days

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ


def _office(organ: Organ) -> list[User]:
    from gongkai.accounts.models import User

    ids = Membership.objects.active().filter(organ=organ, role=Role.DISCLOSURE_OFFICE).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids))


def _tell(people: Sequence[User], message: Message, title: str, text: str) -> None:
    from gongkai.notify.services import notify_all

    if people:
        notify_all(people, "message", {"title": title, "text": text}, organ=message.organ,
                   link=reverse("interaction_ws:detail", kwargs={"pk": message.pk}), reference=f"message:{message.pk}")


def _claim(field: str, message_id: int, today: dt.date) -> bool:
    return bool(Message.objects.filter(pk=message_id, **{f"{field}__isnull": True}).update(**{field: today}))


def check_deadlines(today: dt.date | None = None) -> dict[str, int]:
    """Remind, escalate and flag what is due today; returns how many of each."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "escalated": 0, "flagged": 0}
    limit = add_working_days(today, 1).due
    open_messages = Message.objects.filter(status__in=OPEN_STATES).select_related("organ", "assignee")
    for message in open_messages.filter(due_on__gte=today, due_on__lte=limit, reminded_on__isnull=True):
        if _claim("reminded_on", message.pk, today):
            people = [message.assignee] if message.assignee_id else list(people_who_may(message.organ, "draft_reply"))
            _tell(people, message, _("Message due soon: %(number)s") % {"number": message.number},
                  _("The message “%(subject)s” must be answered by %(due_on)s.")
                  % {"subject": message.subject, "due_on": message.due_on})
            counts["reminded"] += 1
    for message in open_messages.filter(due_on__lt=today, escalated_on__isnull=True):
        if _claim("escalated_on", message.pk, today):
            log_action(message, "interaction.escalated", by=None, organ=message.organ, data={"due_on": str(message.due_on)})
            _tell(_office(message.organ), message, _("Overdue message: %(number)s") % {"number": message.number},
                  _("The message “%(subject)s” was due on %(due_on)s and has not been answered; it is escalated to the "
                    "disclosure office.") % {"subject": message.subject, "due_on": message.due_on})
            counts["escalated"] += 1
    old = open_messages.filter(received_on__lt=months_before(today, FLAG_MONTHS), flagged_on__isnull=True)
    for message in old:
        if _claim("flagged_on", message.pk, today):
            log_action(message, "interaction.veto_flagged", by=None, organ=message.organ,
                       data={"received_on": str(message.received_on)})
            _tell(_office(message.organ), message, _("Unanswered for two months: %(number)s") % {"number": message.number},
                  _("The message “%(subject)s” received on %(received_on)s is still unanswered. A valid message unanswered "
                    "for more than three months is a veto in the website inspection.")
                  % {"subject": message.subject, "received_on": message.received_on})
            counts["flagged"] += 1
    return counts
