"""Statistics for the workspace dashboards (selectors only). Each chart is a
plain table — labels and values — so the page works without JavaScript and
the same data feeds the ECharts drawing and the Excel export."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.reports import counting

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from gongkai.catalogue.models import Item


@dataclass
class Chart:
    code: str
    title: str
    kind: str  # bar, pie, line
    label_header: str
    value_header: str
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def rows(self) -> list[tuple[str, float]]:
        return list(zip(self.labels, self.values, strict=True))

    def as_json(self) -> dict:
        return {"code": self.code, "title": self.title, "kind": self.kind, "labels": self.labels, "values": self.values}


def _published(organ_ids: Collection[int], year: int) -> QuerySet[Item]:
    from gongkai.catalogue.models import Item, ItemState

    return Item.objects.filter(counting.published_in_year(year), organ_id__in=organ_ids, state=ItemState.PUBLISHED)


# --- Item counts by month (derived, kept current from the catalogue's signals) ----------------------
#
# Counting a big organ's year straight from the catalogue reads every item published in it (500,000
# at 1M items: seconds). The dashboard reads ItemMonthCount instead — a few thousand rows — and
# recounts only the months whose ``ItemMonth.changes`` moved since they were counted: after one item
# is published, one month of one organ (docs/annual-report.md › "Performance").


def _month_key(moment: datetime.datetime) -> datetime.date:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return datetime.date(local.year, local.month, 1)


def _year_months(year: int) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in range(1, 13)]


def items_changed(organ_id: int, moments: Iterable[datetime.datetime | None] | None = None) -> None:
    """The counts of these months of an organ (every month when ``moments`` is None) are no longer current."""
    from gongkai.reports.models import ItemMonth

    months = ItemMonth.objects.filter(organ_id=organ_id)
    if moments is not None:
        months = months.filter(month__in={_month_key(m) for m in moments if m is not None})
    months.update(changes=F("changes") + 1)


def _recount(organ_id: int, months: list[datetime.date]) -> None:
    """Count the organ's published items of ``months`` from the catalogue, with the months' rows
    locked so two dashboards never recount the same month at once. ``counted`` takes the value
    ``changes`` had when the month was locked: a change committed meanwhile raises ``changes``
    again after this commit, so the month is recounted next time, never left stale."""
    from django.db import transaction

    from gongkai.catalogue.models import Item, ItemState
    from gongkai.reports.models import ItemMonth, ItemMonthCount

    _ensure_months(ItemMonth, organ_id, months)
    with transaction.atomic():
        locked = {m.month: m for m in ItemMonth.objects.select_for_update().filter(organ_id=organ_id, month__in=months)
                  .order_by("month")}
        ItemMonthCount.objects.filter(month__in=locked.values()).delete()
        first, last = min(months), max(months)
        items = Item.objects.filter(
            organ_id=organ_id, state=ItemState.PUBLISHED,
            published_at__gte=counting.month_start(first.year, first.month),
            published_at__lt=counting.month_start(last.year, last.month + 1),
        )
        # count(*) and columns of the organ index only: an index-only scan on PostgreSQL.
        rows = (items.annotate(m=TruncMonth("published_at")).values("m", "category_id", "topic_id", "department_id")
                .annotate(n=Count("*")).order_by())
        counts = []
        for row in rows:
            month = locked.get(_month_key(row["m"]))
            if month is not None:
                counts.append(ItemMonthCount(month=month, category_id=row["category_id"], topic_id=row["topic_id"],
                                             department_id=row["department_id"], items=row["n"]))
        ItemMonthCount.objects.bulk_create(counts, batch_size=2000)
        _mark_counted(ItemMonth, locked)


def _current_months(
    model: type[Model], recount: Callable[[int, list[datetime.date]], None], organ_ids: Collection[int], year: int
) -> list[int]:
    """The ids of the ``model`` month rows (ItemMonth, ApplicationMonth) of ``year`` for ``organ_ids``,
    ``recount(organ_id, months)`` run first for the months not current (``counted`` ≠ ``changes``)."""
    months = _year_months(year)
    known = {(m.organ_id, m.month): m for m in model.objects.filter(organ_id__in=organ_ids, month__in=months)}
    for organ_id in organ_ids:
        stale = [m for m in months if (row := known.get((organ_id, m))) is None or row.counted != row.changes]
        if stale:
            recount(organ_id, stale)
    return list(model.objects.filter(organ_id__in=organ_ids, month__in=months).values_list("pk", flat=True))


def _mark_counted(model: type[Model], locked: dict[datetime.date, Any]) -> None:
    """The locked month rows are counted as of the ``changes`` they had when locked."""
    for row in locked.values():
        row.counted = row.changes
    model.objects.bulk_update(list(locked.values()), ["counted"])


def current_item_months(organ_ids: Collection[int], year: int) -> list[int]:
    """The ids of the ItemMonth rows of ``year`` for ``organ_ids``, recounting those not current."""
    from gongkai.reports.models import ItemMonth

    return _current_months(ItemMonth, _recount, organ_ids, year)


def item_charts(organ_ids: Collection[int], year: int) -> list[Chart]:
    """Month, category, topic and department from the month counts, plus the policy/interpretation
    chart (policy documents from the month counts, their interpretations from the link table)."""
    from gongkai.catalogue.models import Category, Item, ItemState, Topic
    from gongkai.organs.models import Department
    from gongkai.reports.models import ItemMonthCount

    by_month: dict[int, int] = {}
    by: dict[str, dict] = {"category_id": {}, "topic_id": {}, "department_id": {}}
    # Summed across organs in the database: a government's dashboard reads thousands of rows, not 100,000.
    rows = (ItemMonthCount.objects.filter(month_id__in=current_item_months(organ_ids, year))
            .values_list("month__month", "category_id", "topic_id", "department_id").annotate(n=Sum("items")).order_by())
    for month, category_id, topic_id, department_id, n in rows:
        by_month[month.month] = by_month.get(month.month, 0) + n
        for key, value in (("category_id", category_id), ("topic_id", topic_id), ("department_id", department_id)):
            by[key][value] = by[key].get(value, 0) + n
    names = {
        "category_id": dict(Category.objects.filter(pk__in=[k for k in by["category_id"] if k]).values_list("pk", "name")),
        "topic_id": dict(Topic.objects.filter(pk__in=[k for k in by["topic_id"] if k]).values_list("pk", "name")),
        "department_id": dict(Department.objects.filter(pk__in=[k for k in by["department_id"] if k]).values_list("pk", "name")),
    }
    charts = [
        Chart("items_month", _("Items published by month"), "line", _("Month"), _("Items"),
              [f"{m}月" for m in range(1, 13)], [by_month.get(m, 0) for m in range(1, 13)]),
    ]
    for code, title, key, header in (
        ("items_category", _("Items published by category"), "category_id", _("Category")),
        ("items_topic", _("Items published by topic"), "topic_id", _("Topic")),
        ("items_department", _("Items published by department"), "department_id", _("Department")),
    ):
        ordered = sorted(((names[key].get(k) or _("(none)"), n) for k, n in by[key].items()), key=lambda pair: (-pair[1], pair[0]))
        charts.append(Chart(code, title, "bar", header, _("Items"), [p[0] for p in ordered], [p[1] for p in ordered]))

    # Policy documents: how many from the month counts; which have interpretations from the link
    # table (interpretations are few next to items), so no scan of the year's items either.
    policy_ids = set(Category.objects.filter(is_policy=True).values_list("pk", flat=True))
    policy_total = sum(n for k, n in by["category_id"].items() if k in policy_ids)
    start, end = counting.month_start(year, 1), counting.month_start(year + 1, 1)
    links = Item.interprets.through.objects.filter(
        to_item__organ_id__in=organ_ids, to_item__state=ItemState.PUBLISHED, to_item__category_id__in=policy_ids,
        to_item__published_at__gte=start, to_item__published_at__lt=end,
    )
    interpreted = dict(links.values_list("to_item_id").annotate(n=Count("pk")).order_by())
    top = sorted(Item.objects.filter(pk__in=list(interpreted)).values_list("pk", "title"),
                 key=lambda row: (-interpreted[row[0]], row[1]))[:30]
    rows = [(title, interpreted[pk]) for pk, title in top]
    if len(rows) < 30 and policy_total > len(interpreted):
        # Filled up with public policy documents that have none, newest first: one ordered index scan
        # that stops after a few rows (published() may use the (state, disclosure, published_at) index
        # across organs, the organ index for one).
        wanted = 30 - len(rows)
        without = (Item.objects.published().filter(counting.published_in_year(year), organ_id__in=organ_ids,
                                                   category_id__in=policy_ids)
                   .exclude(pk__in=list(interpreted)).order_by("-published_at").values_list("title", flat=True)[:wanted])
        rows += [(title, 0) for title in without]
    charts.append(
        Chart("interpretations", _("Interpretations per policy document"), "bar", _("Policy document"), _("Interpretations"),
              [t[:40] for t, _n in rows], [n for _t, n in rows],
              note=_("%(count)s policy documents have no interpretation.") % {"count": policy_total - len(interpreted)})
    )
    return charts


# --- Application counts by month (derived, kept current from the register's writes) ---------------
#
# Grouping an organ's ~200,000 applications of a year, with a semi-join to their replies, takes ~200 ms
# of backend CPU. The dashboard reads ApplicationMonthCount instead (a few hundred rows per organ and
# year) and recounts only the months whose ``ApplicationMonth.changes`` moved since they were counted:
# after one application is closed, one or two months of one organ (docs/annual-report.md › "Performance").


def applications_changed(organ_id: int | None, moments: Iterable[datetime.date | None] | None = None) -> None:
    """The application counts of these months (any day of each; every month when None) of an organ
    (of every organ when None) are no longer current. Writers that bypass the models (raw SQL, the
    bench generators) call this themselves; the services' moves send ``applications_changed``."""
    from gongkai.reports.models import ApplicationMonth

    months = ApplicationMonth.objects.all()
    if organ_id is not None:
        months = months.filter(organ_id=organ_id)
    if moments is not None:
        days = {datetime.date(m.year, m.month, 1) for m in moments if m is not None}
        if not days:
            return
        months = months.filter(month__in=days)
    months.update(changes=F("changes") + 1)


def _ensure_months(model: type[Model], organ_id: int, months: list[datetime.date]) -> None:
    """Create the month rows not there yet, committed before the recount locks them: a change committed
    while the recount counts then finds the row and raises its ``changes`` (an uncommitted new row is
    invisible to it, and the month would be left counted without that change)."""
    existing = set(model.objects.filter(organ_id=organ_id, month__in=months).values_list("month", flat=True))
    missing = [model(organ_id=organ_id, month=m) for m in months if m not in existing]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True)


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _recount_applications(organ_id: int, months: list[datetime.date]) -> None:
    """Count the organ's applications received and closed in ``months`` from the register, with the
    months' rows locked (the rule of ``_recount``): one index range per date for the months' span."""
    from django.db import transaction

    from gongkai.applications.models import Reply
    from gongkai.reports.models import ApplicationMonth, ApplicationMonthCount

    base = counting.applications_base([organ_id])
    _ensure_months(ApplicationMonth, organ_id, months)
    with transaction.atomic():
        locked = {m.month: m for m in ApplicationMonth.objects.select_for_update()
                  .filter(organ_id=organ_id, month__in=months).order_by("month")}
        ApplicationMonthCount.objects.filter(month__in=locked.values()).delete()
        first, end = min(months), _next_month(max(months))
        keys = ("channel", "applicant_type", "outcome")
        counts: dict[tuple, dict] = {}

        def add(rows: Iterable[dict[str, Any]]) -> None:
            for row in rows:
                key = (row.pop("m"), *(row.pop(k) for k in keys))
                if key[0] in locked:
                    entry = counts.setdefault(key, {})
                    for name, n in row.items():
                        entry[name] = entry.get(name, 0) + n

        add(base.filter(received_on__gte=first, received_on__lt=end).annotate(m=TruncMonth("received_on"))
            .values("m", *keys).annotate(received=Count("pk")).order_by())
        closed = base.filter(closed_on__gte=first, closed_on__lt=end).annotate(m=TruncMonth("closed_on"))
        add(closed.values("m", *keys).annotate(
            closed=Count("pk"),
            timed=Count("pk", filter=Q(due_on__isnull=False)),
            timely=Count("pk", filter=Q(closed_on__lte=F("due_on"))),
            internal=Count("pk", filter=Q(internal_due_on__isnull=False)),
        ).order_by())
        # Closed cases whose first draft reply was made by the internal target: some reply dated on or
        # before it (the first one is). A query of its own, the replies joined once.
        drafted = Reply.objects.filter(application=OuterRef("pk"), created_at__date__lte=OuterRef("internal_due_on"))
        add(closed.filter(internal_due_on__isnull=False).filter(Exists(drafted))
            .values("m", *keys).annotate(internal_ok=Count("pk")).order_by())
        ApplicationMonthCount.objects.bulk_create(
            [ApplicationMonthCount(month=locked[m], channel=channel, applicant_type=applicant_type,
                                   outcome=outcome, **figures)
             for (m, channel, applicant_type, outcome), figures in counts.items()],
            batch_size=2000,
        )
        _mark_counted(ApplicationMonth, locked)


def current_application_months(organ_ids: Collection[int], year: int) -> list[int]:
    """The ids of the ApplicationMonth rows of ``year`` for ``organ_ids``, recounting those not current."""
    from gongkai.reports.models import ApplicationMonth

    return _current_months(ApplicationMonth, _recount_applications, organ_ids, year)


def application_groups(organ_ids: Collection[int], year: int) -> list[dict] | None:
    """The organs' applications received or closed in the year by organ, channel, applicant type and
    outcome, with the counts every application chart is summed from, added up from the month counts
    (the months not current are recounted first). None while the applications app has no models."""
    from gongkai.reports.models import ApplicationMonthCount

    if counting.applications_base(organ_ids) is None:
        return None
    measures = ("received", "closed", "timed", "timely", "internal", "internal_ok")
    rows = (ApplicationMonthCount.objects.filter(month_id__in=current_application_months(organ_ids, year))
            .values("month__organ_id", "channel", "applicant_type", "outcome")
            .annotate(**{f"n_{m}": Sum(m) for m in measures}).order_by())
    return [{"organ_id": row["month__organ_id"], "channel": row["channel"], "applicant_type": row["applicant_type"],
             "outcome": row["outcome"], **{m: row[f"n_{m}"] for m in measures}} for row in rows]


def application_charts(organ_ids: Collection[int], year: int, groups: list[dict] | None = None) -> list[Chart]:
    """Channel, applicant type, outcome and timeliness, summed from ``application_groups``."""
    from gongkai.applications.models import Channel
    from gongkai.applications.taxonomy import ApplicantType, Outcome

    if groups is None:
        groups = application_groups(organ_ids, year)
    if groups is None:
        return []
    counts: dict[str, dict] = {"channel": {}, "applicant_type": {}, "outcome": {}}
    statutory_total = statutory_ok = internal_total = internal_ok = 0
    for row in groups:
        for field_name, measure in (("channel", "received"), ("applicant_type", "received"), ("outcome", "closed")):
            if row[measure]:
                key = row[field_name]
                counts[field_name][key] = counts[field_name].get(key, 0) + row[measure]
        statutory_total += row["timed"]
        statutory_ok += row["timely"]
        internal_total += row["internal"]
        internal_ok += row["internal_ok"]
    charts = []
    for code, title, field_name, choices, header in (
        ("apps_channel", _("Applications received by channel"), "channel", Channel, _("Channel")),
        ("apps_type", _("Applications received by applicant type"), "applicant_type", ApplicantType, _("Applicant type")),
        ("apps_outcome", _("Applications closed by outcome"), "outcome", Outcome, _("Outcome")),
    ):
        labels = {c.value: str(c.label) for c in choices}
        ordered = [(labels.get(k, k or _("(none)")), n) for k, n in counts[field_name].items()]
        ordered.sort(key=lambda pair: (-pair[1], pair[0]))  # ties by name: the same order every time
        charts.append(Chart(code, title, "pie" if code != "apps_outcome" else "bar", header, _("Number of applications"),
                            [p[0] for p in ordered], [p[1] for p in ordered]))

    def share(ok: int, total: int) -> float:
        return round(ok * 100 / total, 1) if total else 0

    charts.append(
        Chart("apps_timeliness", _("Timeliness of applications closed (share, %)"), "bar", _("Measure"), _("Share (%)"),
              [_("Draft reply within the internal target"), _("Answered within the statutory limit")],
              [share(internal_ok, internal_total), share(statutory_ok, statutory_total)],
              note=_("Internal target: %(ok)s of %(total)s; statutory limit: %(sok)s of %(stotal)s.")
              % {"ok": internal_ok, "total": internal_total, "sok": statutory_ok, "stotal": statutory_total})
    )
    return charts


def organ_charts(organ_ids: Collection[int], year: int, groups: list[dict] | None = None) -> list[Chart]:
    """Across organs: items published (from the month counts) and applications received per organ."""
    from gongkai.organs.models import Organ
    from gongkai.reports.models import ItemMonthCount

    names = dict(Organ.objects.filter(pk__in=organ_ids).values_list("pk", "name"))
    items = dict(ItemMonthCount.objects.filter(month_id__in=current_item_months(organ_ids, year))
                 .values_list("month__organ_id").annotate(n=Sum("items")).order_by())
    charts = [Chart("organs_items", _("Items published by organ"), "bar", _("Organ"), _("Items"),
                    [names[o] for o in organ_ids], [items.get(o, 0) for o in organ_ids])]
    if groups is None:
        groups = application_groups(organ_ids, year)
    if groups is not None:
        apps: dict[int, int] = {}
        for row in groups:
            apps[row["organ_id"]] = apps.get(row["organ_id"], 0) + row["received"]
        charts.append(Chart("organs_apps", _("Applications received by organ"), "bar", _("Organ"), _("Number of applications"),
                            [names[o] for o in organ_ids], [apps.get(o, 0) for o in organ_ids]))
    return charts


def dashboard(organ_ids: Collection[int], year: int, *, across: bool) -> list[Chart]:
    groups = application_groups(organ_ids, year)
    charts = item_charts(organ_ids, year) + application_charts(organ_ids, year, groups)
    if across:
        charts = organ_charts(organ_ids, year, groups) + charts
    return charts


def cached_dashboard(organ_ids: Collection[int], year: int, *, across: bool) -> tuple[list[Chart], object]:
    """The dashboard, computed at most once per ``REPORTS_DASHBOARD_CACHE_SECONDS``
    (default 300) for the same organs, year and language: statistics need not be
    real-time, and the page says when they were computed. Returns (charts, computed_at)."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    seconds = getattr(settings, "REPORTS_DASHBOARD_CACHE_SECONDS", 300)
    ids = ",".join(str(i) for i in sorted(organ_ids))
    key = "reports:dashboard:" + hashlib.sha1(f"{ids}|{year}|{across}|{translation.get_language()}".encode()).hexdigest()
    hit = cache.get(key) if seconds else None
    if hit is not None:
        return hit
    value = (dashboard(organ_ids, year, across=across), timezone.now())
    if seconds:
        cache.set(key, value, seconds)
    return value


def to_xlsx(charts: list[Chart], *, title: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    from gongkai.core.spreadsheets import xlsx_row

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for chart in charts:
        sheet = workbook.create_sheet(chart.code[:31])
        sheet.append(xlsx_row(sheet, [title]))
        sheet.append(xlsx_row(sheet, [chart.title]))
        sheet.append(xlsx_row(sheet, [chart.label_header, chart.value_header]))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for label, value in chart.rows:
            sheet.append(xlsx_row(sheet, [str(label), value]))
        if chart.note:
            sheet.append([])
            sheet.append(xlsx_row(sheet, [chart.note]))
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 14
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["Chart", "dashboard", "to_xlsx", "Q"]
