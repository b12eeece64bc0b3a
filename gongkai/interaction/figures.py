"""The message box in figures (统计): per organ, type and month of receipt — received, accepted, answered, answered on
time, 办结率, average working days to answer, 满意率 — and the **veto watch** (单项否决): valid messages unanswered
for more than two months are flagged, more than three months is a veto under the government-website inspection
rules.

Counted from the ``Message`` rows in one grouped query; the average working days are counted per answered message
with the platform's calendar (``workdays``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gongkai.interaction.models import OPEN_STATES, Message, MessageType, Rating, Status
from gongkai.workdays.calendar import current

# Not counted as valid: refused as invalid, or sent on to the organ that answers it.
INVALID = (Status.REFUSED, Status.TRANSFERRED)
FLAG_MONTHS, VETO_MONTHS = 2, 3


@dataclass
class Row:
    organ: str
    type: str
    month: dt.date
    received: int = 0
    valid: int = 0
    answered: int = 0
    on_time: int = 0
    rated: int = 0
    satisfied: int = 0
    working_days: list[int] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return str(MessageType(self.type).label) if self.type in MessageType.values else self.type

    @property
    def answered_rate(self) -> float | None:
        """办结率: answered ÷ valid."""
        return self.answered / self.valid if self.valid else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: (满意 + 基本满意) ÷ rated."""
        return self.satisfied / self.rated if self.rated else None

    @property
    def average_working_days(self) -> float | None:
        return sum(self.working_days) / len(self.working_days) if self.working_days else None


def rows(messages: QuerySet[Message]) -> list[Row]:
    """The figures of ``messages`` per organ, type and month of receipt, newest month first."""
    answered = Q(status=Status.ANSWERED)
    grouped = (
        messages.annotate(month=TruncMonth("received_on")).values("organ__name", "type", "month")
        .annotate(
            received=Count("pk"),
            valid=Count("pk", filter=~Q(status__in=INVALID)),
            answered=Count("pk", filter=answered),
            rated=Count("pk", filter=~Q(rating="")),
            satisfied=Count("pk", filter=Q(rating__in=[Rating.SATISFIED, Rating.FAIRLY])),
        )
        .order_by("-month", "organ__name", "type")
    )
    found = {
        (g["organ__name"], g["type"], g["month"]): Row(g["organ__name"], g["type"], g["month"], g["received"], g["valid"],
                                                       g["answered"], 0, g["rated"], g["satisfied"])
        for g in grouped
    }
    calendar = current()
    done = messages.filter(answered, replied_at__isnull=False).annotate(month=TruncMonth("received_on")).values_list(
        "organ__name", "type", "month", "received_on", "reopened_on", "replied_at", "due_on")
    for organ, kind, month, received_on, reopened_on, replied_at, due_on in done:
        row = found[(organ, kind, month)]
        replied_on = timezone.localtime(replied_at).date()
        row.on_time += int(due_on is None or replied_on <= due_on)
        row.working_days.append(calendar.working_days_between(reopened_on or received_on, replied_on))
    return list(found.values())


@dataclass
class Watch:
    flagged: list[Message]  # valid, unanswered, older than two months
    vetoes: list[Message]  # valid, unanswered, older than three months


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 - months, 12)
    target_month, target_year = month + 1, day.year + year
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=target_year, month=target_month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def veto_watch(messages: QuerySet[Message], today: dt.date) -> Watch:
    """Open messages received more than two (flag) or three (veto) months before ``today``."""
    old = messages.filter(status__in=OPEN_STATES, received_on__lt=months_before(today, FLAG_MONTHS)).select_related("organ")
    limit = months_before(today, VETO_MONTHS)
    flagged: list[Message] = []
    vetoes: list[Message] = []
    for message in old.order_by("received_on")[:200]:
        (vetoes if message.received_on < limit else flagged).append(message)
    return Watch(flagged, vetoes)


@dataclass
class Unanswered:
    """One organ's valid messages still unanswered: how many are older than the limit, and the receipt day of the
    oldest one not yet over it (the next to cross it)."""

    over: int = 0
    next_received_on: dt.date | None = None


def unanswered_by_organ(organ_ids: list[int], today: dt.date, months: int = VETO_MONTHS) -> dict[int, Unanswered]:
    """Per organ of ``organ_ids``: valid messages still open that were received more than ``months`` months before
    ``today`` (three months is a veto in the website inspection), and the oldest one still within the limit."""
    limit = months_before(today, months)
    found = {organ_id: Unanswered() for organ_id in organ_ids}
    open_messages = Message.objects.filter(organ_id__in=organ_ids, status__in=OPEN_STATES)
    for row in open_messages.filter(received_on__lt=limit).values("organ_id").annotate(n=Count("pk")):
        found[row["organ_id"]].over = row["n"]
    for organ_id, received_on in (open_messages.filter(received_on__gte=limit).values("organ_id")
                                  .annotate(first=Min("received_on")).values_list("organ_id", "first")):
        found[organ_id].next_received_on = received_on
    return found
