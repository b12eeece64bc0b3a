"""Which (organ, month) pairs of the register's counts a write changes, told after its commit
(``signals.applications_changed``; docs/annual-report.md › "Performance").

The statistics dashboard keeps counts per organ and month (reports.ApplicationMonth): applications
*received* in the month by channel, applicant type and outcome, and those *closed* in it with the
deadline figures and whether a draft reply was made by the internal target. What one application adds
to a month is its "contribution" below; a write that changes a contribution marks the month it left and
the month it joined. ``Application``/``Reply`` save() and their QuerySets' update(), bulk_update() and
bulk_create() call this module, so no service, view, command or admin action needs a call of its own;
only raw SQL (the bench generators) must call ``reports.stats.applications_changed`` itself.

After commit, as the catalogue does for items: a rolled-back write marks nothing, and no writer holds a
month row locked for the rest of its transaction (the dashboard's recount locks it). The recount's rule
(``counted`` takes the value ``changes`` had when the month was locked) makes a mark that arrives while a
month is being counted leave the month stale, to be recounted again, never wrongly current.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable

from django.db import transaction

EXCLUDED_STATES = ("merged", "spam", "awaiting_confirmation")  # not counted: ApplicationQuerySet.reportable()
# What a month's received counts depend on, and what its closed counts depend on.
RECEIVED_FIELDS = frozenset({"organ_id", "received_on", "status", "channel", "applicant_type", "outcome"})
CLOSED_FIELDS = RECEIVED_FIELDS | {"closed_on", "due_on", "internal_due_on"}
FIELDS = tuple(sorted(CLOSED_FIELDS))
MOVING = frozenset({"organ_id", "received_on", "closed_on"})  # the fields that decide *which* months
REPLY_FIELDS = frozenset({"application_id", "created_at"})

# Set while bulk_update() runs: it has worked out its months from the objects, so the update() calls it
# makes (with Case expressions, which say nothing about months) add none.
_handled = contextvars.ContextVar("applications_months_handled", default=False)


def attname(name: str) -> str:
    return {"organ": "organ_id", "application": "application_id"}.get(name, name)


def month(day) -> dt.date | None:
    return day.replace(day=1) if day is not None else None


def values_of(obj) -> dict:
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


def tell(pairs: Iterable[tuple[int | None, dt.date | None]], *, using=None) -> None:
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

    def send():
        from gongkai.applications.models import Application
        from gongkai.applications.signals import applications_changed

        for organ_id, months in by_organ.items():
            applications_changed.send(sender=Application, organ_id=organ_id, months=months)

    transaction.on_commit(send, using=using)


# --- Application ----------------------------------------------------------------------------------


def saving(obj, update_fields) -> dict | None | bool:
    """Before Application.save(): the row as stored (None when new), or False when the save cannot
    change a count (``update_fields`` names none of the counted fields)."""
    if update_fields is not None and not {attname(f) for f in update_fields} & CLOSED_FIELDS:
        return False
    if obj.pk is None:
        return None
    return type(obj)._base_manager.using(obj._state.db or "default").filter(pk=obj.pk).values(*FIELDS).first()


def saved(obj, old, update_fields, *, using) -> None:
    if old is False:
        return
    new = values_of(obj)
    if update_fields is not None and old is not None:
        names = {attname(f) for f in update_fields}
        new = {name: new[name] if name in names else old[name] for name in FIELDS}
    tell(pairs_between(old, new), using=using)


def _constant(value) -> tuple[bool, object]:
    """(True, plain value) for a value update() can set directly; (False, None) for an expression."""
    if value is None or isinstance(value, (dt.date, int, str)):
        return True, value
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return True, value.pk
    return False, None


def updating(queryset, kwargs: dict) -> set | None:
    """Before QuerySet.update(**kwargs): the (organ, month) pairs it may change, or None if none."""
    if _handled.get():
        return None
    values = {attname(k): v for k, v in kwargs.items()}
    names = set(values) & CLOSED_FIELDS
    if not names:
        return None
    from django.db.models.functions import TruncMonth

    received, closed = bool(names & RECEIVED_FIELDS), True
    rows = queryset.order_by()
    if not received and "closed_on" not in names:  # only deadlines change: only months in which rows were closed
        rows = rows.filter(closed_on__isnull=False)
    found = set(rows.values_list("organ_id", TruncMonth("received_on"), TruncMonth("closed_on")).distinct())
    new: dict = {}
    for name in names & MOVING:
        plain, value = _constant(values[name])
        if not plain:  # set from an expression: every month of the organs (of every organ if the organ moves)
            organs = {None} if name == "organ_id" else {organ for organ, _r, _c in found}
            return {(organ, None) for organ in organs}
        new[name] = month(value) if name != "organ_id" else value
    pairs = set()
    for organ, received_month, closed_month in found:
        after = (new.get("organ_id", organ), new.get("received_on", received_month), new.get("closed_on", closed_month))
        for o, r, c in ((organ, received_month, closed_month), after):
            if received and r is not None:
                pairs.add((o, r))
            if closed and c is not None:
                pairs.add((o, c))
    return pairs


def bulk_updating(model, objs: list, fields) -> set | None:
    names = {attname(f) for f in fields} & CLOSED_FIELDS
    if not names:
        return None
    old = {}
    pks = [obj.pk for obj in objs if obj.pk is not None]
    for start in range(0, len(pks), 500):
        old.update((row["pk"], row) for row in model._base_manager.filter(pk__in=pks[start:start + 500]).values("pk", *FIELDS))
    pairs = set()
    for obj in objs:
        before = old.get(obj.pk)
        if before is not None:
            after = {name: getattr(obj, name) if name in names else before[name] for name in FIELDS}
            pairs |= pairs_between(before, after)
    return pairs


def created(objs: Iterable) -> set:
    pairs = set()
    for obj in objs:
        pairs |= pairs_between(None, values_of(obj))
    return pairs


# --- Reply: a draft reply by the internal target counts in the month its application was closed ----


def tell_replies(application_ids: Iterable[int], *, using=None) -> None:
    """After the commit, mark the months in which these applications were closed (read then, so a
    closing committed meanwhile is seen)."""
    ids = {i for i in application_ids if i is not None}
    if not ids:
        return

    def send():
        from gongkai.applications.models import Application

        rows = Application._base_manager.filter(pk__in=ids, closed_on__isnull=False).values_list("organ_id", "closed_on")
        pairs = {(organ_id, month(day)) for organ_id, day in rows}
        if pairs:
            from gongkai.applications.signals import applications_changed

            by_organ: dict = {}
            for organ_id, day in pairs:
                by_organ.setdefault(organ_id, set()).add(day)
            for organ_id, months in by_organ.items():
                applications_changed.send(sender=Application, organ_id=organ_id, months=months)

    transaction.on_commit(send, using=using)


def reply_saving(obj, update_fields) -> set | bool:
    """Before Reply.save(): the application ids whose closed month may change, or False."""
    if update_fields is not None and not {attname(f) for f in update_fields} & REPLY_FIELDS:
        return False
    if obj.pk is None:
        return {obj.application_id}
    old = type(obj)._base_manager.filter(pk=obj.pk).values_list("application_id", "created_at").first()
    if old is None:
        return {obj.application_id}
    # created_at is set once (auto_now_add): compared after the save, which keeps it on an update
    return {"old": old}


def reply_saved(obj, before, *, using) -> None:
    if before is False:
        return
    if isinstance(before, dict):
        application_id, created_at = before["old"]
        if (application_id, created_at) == (obj.application_id, obj.created_at):
            return
        before = {application_id, obj.application_id}
    tell_replies(before, using=using)


def reply_updating(queryset, kwargs: dict) -> set | None:
    names = {attname(k) for k in kwargs} & REPLY_FIELDS
    if not names or _handled.get():
        return None
    ids = set(queryset.order_by().values_list("application_id", flat=True).distinct())
    if "application_id" in names:
        plain, value = _constant(kwargs.get("application", kwargs.get("application_id")))
        if not plain:
            return {None}
        ids.add(value)
    return ids
