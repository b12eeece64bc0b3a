"""The periodic recount of the dashboard's application months: the months marked current are counted
again from the register, and any whose stored figures differ — a write that went around the services and
marked nothing — is reported as drift and left corrected."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F

MEASURES = ("received", "closed", "timed", "timely", "internal", "internal_ok")


def _figures(month_ids: list[int]) -> dict[tuple, tuple]:
    from gongkai.reports.models import ApplicationMonthCount

    rows = ApplicationMonthCount.objects.filter(month_id__in=month_ids).values(
        "month__organ_id", "month__month", "channel", "applicant_type", "outcome", *MEASURES)
    return {(r["month__organ_id"], r["month__month"], r["channel"], r["applicant_type"], r["outcome"]):
            tuple(r[m] for m in MEASURES) for r in rows}


def recount_current_months(*, organ_ids: Iterable[int] | None = None, years: Iterable[int] | None = None,
                           ) -> list[tuple[int, datetime.date]]:
    """Recount every application month marked current (of ``organ_ids`` and ``years`` when given) and return
    the (organ, month) pairs whose figures had drifted from the register."""
    from gongkai.reports.models import ApplicationMonth
    from gongkai.reports.stats import _recount_applications

    current = ApplicationMonth.objects.filter(counted=F("changes"))
    if organ_ids is not None:
        current = current.filter(organ_id__in=organ_ids)
    if years:
        current = current.filter(month__year__in=list(years))
    by_organ: dict[int, list] = {}
    for row in current.order_by("organ_id", "month"):
        by_organ.setdefault(row.organ_id, []).append(row)
    drift: list[tuple[int, datetime.date]] = []
    for organ_id, rows in by_organ.items():
        ids = [row.pk for row in rows]
        before = _figures(ids)
        _recount_applications(organ_id, [row.month for row in rows])
        after = _figures(ids)
        for key in before.keys() | after.keys():
            if before.get(key) != after.get(key):
                drift.append((key[0], key[1]))
    return sorted(set(drift))
