"""The working-day calendar changed: running deadlines recomputed, one by one or set by set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import clock
from gongkai.applications.models import (
    Application,
    Consultation,
    Fee,
)
from gongkai.applications.services._base import _lock
from gongkai.applications.workflow import MOVES
from gongkai.core.audit import log_action
from gongkai.core.audit_bulk import Logged, log_actions
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def recompute_deadline(application: Application, *, by: User | None = None, reason: str = "") -> bool:
    """Recompute one running application's deadlines; audited only when they change."""
    with transaction.atomic():
        application = _lock(application)
        if not MOVES.state_allows(application, "recompute"):
            return False
        old = application.due_on
        if not clock.apply(application):
            return False
        application.save(update_fields=["due_on", "internal_due_on", "correction_notice_due_on", "due_explanation", "updated_at"])
        log_action(application, "applications.deadline_recomputed", by=by, reason=reason,
                   data={"old_due_on": str(old or ""), "new_due_on": str(application.due_on or "")})
    return True


RECOMPUTE_CHUNK = 500


def recompute_running(*, years: Iterable[int] | None = None, dates: Iterable[dt.date] | None = None, by: User | None = None, reason: str = "") -> int:
    """Recompute running deadlines a calendar change can affect. Idempotent.

    A day whose status changed moves a deadline only when it lies after the
    clock start and not after the old due date; a deadline marked provisional
    may stop being so when its year is loaded. With neither ``dates`` nor
    ``years`` every running deadline is recomputed.

    Set-based: an application without its own excluded periods (no
    consultation, no fee) has deadlines that depend only on (organ, date of
    receipt, clock start, restart, extension), so each distinct combination is
    computed once and its changed rows are locked and rewritten with one
    UPDATE per chunk; the few with consultations or a fee are computed row by
    row. Every changed deadline gets its own audit row (bulk-inserted)."""
    from django.db.models import Exists, OuterRef, Q

    queryset = Application.objects.running().filter(received_on__isnull=False)
    if dates:
        dates = sorted(dates)
        queryset = queryset.filter(
            Q(clock_start__lt=dates[-1], due_on__gte=dates[0]) | Q(due_explanation__provisional=True)
        )
    elif years:
        years = sorted({int(y) for y in years})
        queryset = queryset.filter(
            Q(due_on__year__gte=years[0] - 1, clock_start__year__lte=years[-1]) | Q(due_explanation__provisional=True)
        )
    own_periods = Q(Exists(Consultation.objects.filter(application=OuterRef("pk")))) | Q(
        Exists(Fee.objects.filter(application=OuterRef("pk"))))
    calendar = clock.current()
    reason = reason or _("working-day calendar changed")
    organs = {o.pk: o for o in Organ.objects.all()}
    states = MOVES["recompute"].sources

    # 1. Row by row: applications with consultation or fee periods.
    ids = list(queryset.filter(own_periods).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), RECOMPUTE_CHUNK):
        chunk = ids[start:start + RECOMPUTE_CHUNK]
        with transaction.atomic():
            rows = list(
                Application.objects.select_for_update()
                .filter(pk__in=chunk, status__in=states)
                .prefetch_related("consultations")
            )
            fees = {f.application_id: f for f in Fee.objects.filter(application_id__in=chunk)}
            moved = []
            for row in rows:
                row.organ = organs[row.organ_id]
                row.fee = fees.get(row.pk)
                old = row.due_on
                if clock.apply(row, calendar=calendar):
                    row.updated_at = timezone.now()
                    moved.append((row, old))
            if moved:
                Application.objects.bulk_update(
                    [row for row, _old in moved],
                    ["due_on", "internal_due_on", "correction_notice_due_on", "due_explanation", "updated_at"],
                )
                log_actions(Application, "applications.deadline_recomputed", [
                    Logged(row.pk, str(row), row.organ_id, {"old_due_on": str(old or ""), "new_due_on": str(row.due_on or "")})
                    for row, old in moved
                ], by=by, reason=reason)
            changed += len(moved)

    # 2. Set-based: everything else, one computation per distinct set of facts.
    fields = ("organ_id", "received_on", "clock_start", "corrected_on", "extension_days")
    groups: dict[tuple, list[int]] = {}
    results: dict[tuple, tuple] = {}
    plain = queryset.exclude(own_periods).values_list(
        "pk", *fields, "due_on", "internal_due_on", "correction_notice_due_on").order_by()
    for pk, organ_id, received_on, clock_start, corrected_on, extension_days, due, internal, notice in plain.iterator(chunk_size=5000):
        restarted = corrected_on is not None and corrected_on == (clock_start or received_on)
        key = (organ_id, received_on, clock_start, corrected_on, extension_days)
        if key not in results:
            probe = Application(organ=organs[organ_id], received_on=received_on, clock_start=clock_start,
                                corrected_on=corrected_on if restarted else None, extension_days=extension_days)
            clock.apply(probe, calendar=calendar)
            results[key] = (probe.due_on, probe.internal_due_on, probe.correction_notice_due_on, probe.due_explanation)
        if (due, internal, notice) != results[key][:3]:
            groups.setdefault(key, []).append(pk)

    for key, pks in groups.items():
        organ_id, received_on, clock_start, corrected_on, extension_days = key
        new_due, new_internal, new_notice, explanation = results[key]
        for start in range(0, len(pks), RECOMPUTE_CHUNK * 10):
            chunk = pks[start:start + RECOMPUTE_CHUNK * 10]
            with transaction.atomic():
                # lock the rows whose facts are still these (anything changed meanwhile was recomputed by its own change)
                rows = list(
                    Application.objects.select_for_update()
                    .filter(pk__in=chunk, status__in=states, organ_id=organ_id, received_on=received_on,
                            clock_start=clock_start, corrected_on=corrected_on, extension_days=extension_days)
                    .exclude(own_periods)
                    .values_list("pk", "tracking_number", "subject", "due_on")
                )
                if not rows:
                    continue
                now = timezone.now()
                Application.objects.filter(pk__in=[r[0] for r in rows]).update(
                    due_on=new_due, internal_due_on=new_internal, correction_notice_due_on=new_notice,
                    due_explanation=explanation, updated_at=now)
                log_actions(Application, "applications.deadline_recomputed", [
                    Logged(pk, f"{number} {subject[:40]}", organ_id, {"old_due_on": str(old or ""), "new_due_on": str(new_due or "")})
                    for pk, number, subject, old in rows
                ], by=by, reason=reason)
                changed += len(rows)
    return changed
