"""The public statistics of an organ and of the whole city (公开统计): applications received, closed and answered
within the statutory limit, outcomes, and items published, by month — read from the dashboard's month counts
(``ItemMonthCount``, ``ApplicationMonthCount``; the months not current are recounted first), never by scanning the
catalogue or the register. A selector: it writes nothing but the derived month counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone

from gongkai.reports import stats

if TYPE_CHECKING:
    from gongkai.organs.models import Organ


@dataclass
class Figures:
    """Counts of one month, one organ or the total."""

    received: int = 0
    closed: int = 0
    timed: int = 0  # closed with a statutory deadline
    timely: int = 0  # closed by that deadline
    items: int = 0

    def add(self, other: Figures) -> None:
        self.received += other.received
        self.closed += other.closed
        self.timed += other.timed
        self.timely += other.timely
        self.items += other.items

    @property
    def timely_share(self) -> float | None:
        """Share (%) of the cases closed with a deadline that were answered by it; None when there were none."""
        return round(self.timely * 100 / self.timed, 1) if self.timed else None


@dataclass
class Statistics:
    year: int
    months: list[tuple[int, Figures]]
    total: Figures
    outcomes: list[tuple[str, int]]
    organs: list[tuple[object, Figures]] = field(default_factory=list)
    computed_at: dt.datetime | None = None


MEASURES = ("received", "closed", "timed", "timely")


def statistics(organs: Iterable[Organ], year: int, *, per_organ: bool = False) -> Statistics:
    """The statistics of ``organs`` (Organ instances) for ``year``; with ``per_organ`` a row per organ too."""
    from gongkai.applications.taxonomy import Outcome
    from gongkai.reports.models import ApplicationMonthCount, ItemMonthCount

    organ_ids = [o.pk for o in organs]
    months = {m: Figures() for m in range(1, 13)}
    by_organ = {pk: Figures() for pk in organ_ids}
    application_months = stats.current_application_months(organ_ids, year)
    rows = (ApplicationMonthCount.objects.filter(month_id__in=application_months)
            .values("month__month", "month__organ_id").annotate(**{m: Sum(m) for m in MEASURES}).order_by())
    for row in rows:
        figures = Figures(**{m: row[m] or 0 for m in MEASURES})
        months[row["month__month"].month].add(figures)
        by_organ[row["month__organ_id"]].add(figures)
    items = (ItemMonthCount.objects.filter(month_id__in=stats.current_item_months(organ_ids, year))
             .values_list("month__month", "month__organ_id").annotate(n=Sum("items")).order_by())
    for month, organ_id, n in items:
        months[month.month].items += n
        by_organ[organ_id].items += n
    labels = {c.value: str(c.label) for c in Outcome}
    outcome_counts: dict[str, int] = {}
    for outcome, n in (ApplicationMonthCount.objects.filter(month_id__in=application_months).exclude(outcome="")
                       .values_list("outcome").annotate(n=Sum("closed")).order_by()):
        if n:
            label = labels.get(outcome, outcome)
            outcome_counts[label] = outcome_counts.get(label, 0) + n
    total = Figures()
    for figures in months.values():
        total.add(figures)
    return Statistics(
        year=year,
        months=sorted(months.items()),
        total=total,
        outcomes=sorted(outcome_counts.items(), key=lambda pair: (-pair[1], pair[0])),
        organs=[(o, by_organ[o.pk]) for o in organs] if per_organ else [],
        computed_at=timezone.now(),
    )


def cached_statistics(organs: Iterable[Organ], year: int, *, per_organ: bool = False) -> Statistics:
    """``statistics``, computed at most once per ``REPORTS_DASHBOARD_CACHE_SECONDS`` (default 300) for the same
    organs, year and language, like the staff dashboard: the page says when its figures were counted."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    seconds = getattr(settings, "REPORTS_DASHBOARD_CACHE_SECONDS", 300)
    ids = ",".join(str(o.pk) for o in organs)
    key = "reports:public-stats:" + hashlib.sha1(
        f"{ids}|{year}|{per_organ}|{translation.get_language()}".encode()).hexdigest()
    hit = cache.get(key) if seconds else None
    if hit is not None:
        return hit
    value = statistics(organs, year, per_organ=per_organ)
    if seconds:
        cache.set(key, value, seconds)
    return value
