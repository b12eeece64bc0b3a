"""Which (organ, month) pairs of the register's counts a move changes, told after its commit
(``signals.applications_changed``; docs/annual-report.md › "Performance").

The statistics dashboard keeps counts per organ and month (reports.ApplicationMonth): applications
*received* in the month by channel, applicant type and outcome, and those *closed* in it with the
deadline figures and whether a draft reply was made by the internal target. What one application adds
to a month is its "contribution" below; a move that changes a contribution marks the month it left and
the month it joined. The services call ``mark`` beside the audit row of each move (``services._base``)
and for each application they create; the models know nothing of it. A write outside the services (raw
SQL, the bench generators, a shell) calls ``reports.stats.applications_changed`` itself, and the periodic
recount (``check_application_months``) finds and reports any month left wrong.

After commit, as the catalogue does for items: a rolled-back write marks nothing, and no writer holds a
month row locked for the rest of its transaction (the dashboard's recount locks it). The recount's rule
(``counted`` takes the value ``changes`` had when the month was locked) makes a mark that arrives while a
month is being counted leave the month stale, to be recounted again, never wrongly current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from gongkai.applications.models import Application

EXCLUDED_STATES = ("merged", "spam", "awaiting_confirmation")  # not counted: ApplicationQuerySet.reportable()
# What a month's received counts depend on, and what its closed counts depend on.
RECEIVED_FIELDS = frozenset({"organ_id", "received_on", "status", "channel", "applicant_type", "outcome"})
CLOSED_FIELDS = RECEIVED_FIELDS | {"closed_on", "due_on", "internal_due_on"}
FIELDS = tuple(sorted(CLOSED_FIELDS))


def month(day: dt.date | None) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def values_of(obj: Application) -> dict:
    return {name: getattr(obj, name) for name in FIELDS}


def _contributions(values: dict | None) -> tuple:
    if values is None or values["received_on"] is None or values["status"] in EXCLUDED_STATES:
        return None, None
    common = (values["channel"], values["applicant_type"], values["outcome"])
    received = (values["organ_id"], month(values["received_on"]), *common)
    closed = None
    if values["closed_on"] is not None:
        closed = (values["organ_id"], month(values["closed_on"]), *common,
                  values["closed_on"], values["due_on"], values["internal_due_on"])
    return received, closed


def pairs_between(old: dict | None, new: dict | None) -> set[tuple[int, dt.date]]:
    """The (organ, month) pairs whose counts differ between an application as ``old`` and as ``new``
    (``None``: not there)."""
    pairs = set()
    for before, after in zip(_contributions(old), _contributions(new), strict=True):
        if before != after:
            pairs.update((c[0], c[1]) for c in (before, after) if c is not None)
    return pairs


def tell(pairs: Iterable[tuple[int | None, dt.date | None]], *, using: str | None = None) -> None:
    """After the commit, send ``applications_changed`` once per organ. A month of None means every
    month of the organ; an organ of None every organ."""
    by_organ: dict = {}
    for organ_id, day in pairs:
        if organ_id is None or day is None:
            by_organ[organ_id] = None
        elif by_organ.get(organ_id, set()) is not None:
            by_organ.setdefault(organ_id, set()).add(day)
    if not by_organ:
        return
    if None in by_organ:
        by_organ = {None: None}

    def send() -> None:
        from gongkai.applications.models import Application
        from gongkai.applications.signals import applications_changed

        for organ_id, months in by_organ.items():
            applications_changed.send(sender=Application, organ_id=organ_id, months=months)

    transaction.on_commit(send, using=using)


def mark(before: dict | None, application: Application) -> None:
    """After a move saved ``application``: mark the months it left and joined (``before``: ``values_of`` it
    as locked, None for a new one)."""
    tell(pairs_between(before, values_of(application)))
