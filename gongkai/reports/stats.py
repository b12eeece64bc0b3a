"""Statistics for the workspace dashboards (selectors only). Each chart is a
plain table — labels and values — so the page works without JavaScript and
the same data feeds the ECharts drawing and the Excel export."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.reports import counting


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
    def rows(self):
        return list(zip(self.labels, self.values, strict=True))

    def as_json(self) -> dict:
        return {"code": self.code, "title": self.title, "kind": self.kind, "labels": self.labels, "values": self.values}


def _published(organ_ids, year):
    from gongkai.catalogue.models import Item, ItemState

    return Item.objects.filter(counting.published_in_year(year), organ_id__in=organ_ids, state=ItemState.PUBLISHED)


def item_charts(organ_ids, year: int) -> list[Chart]:
    """Month, category, topic and department from ONE grouped scan of the year's
    published items (then summed in Python), plus the policy/interpretation query."""
    from gongkai.catalogue.models import Category, Topic
    from gongkai.organs.models import Department

    items = _published(organ_ids, year)
    by_month: dict[int, int] = {}
    by: dict[str, dict] = {"category_id": {}, "topic_id": {}, "department_id": {}}
    rows = items.annotate(month=TruncMonth("published_at")).values("month", "category_id", "topic_id", "department_id")
    for row in rows.annotate(n=Count("pk")).order_by():
        month = timezone.localtime(row["month"]).month if timezone.is_aware(row["month"]) else row["month"].month
        by_month[month] = by_month.get(month, 0) + row["n"]
        for key, counts in by.items():
            counts[row[key]] = counts.get(row[key], 0) + row["n"]
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
    policies = items.filter(category__is_policy=True).annotate(n=Count("interpretations")).order_by("-n", "title")
    rows = list(policies.values_list("title", "n")[:30])
    without = policies.filter(n=0).count() if rows else 0
    charts.append(
        Chart("interpretations", _("Interpretations per policy document"), "bar", _("Policy document"), _("Interpretations"),
              [t[:40] for t, _n in rows], [n for _t, n in rows],
              note=_("%(count)s policy documents have no interpretation.") % {"count": without})
    )
    return charts


def application_charts(organ_ids, year: int) -> list[Chart]:
    from gongkai.applications.models import Channel
    from gongkai.applications.taxonomy import ApplicantType, Outcome

    base = counting.applications_base(organ_ids)
    if base is None:
        return []
    start, end = counting.year_bounds(year)
    received = base.filter(received_on__range=(start, end))
    closed = base.filter(closed_on__range=(start, end))
    charts = []
    for code, title, qs, field_name, choices, header in (
        ("apps_channel", _("Applications received by channel"), received, "channel", Channel, _("Channel")),
        ("apps_type", _("Applications received by applicant type"), received, "applicant_type", ApplicantType, _("Applicant type")),
        ("apps_outcome", _("Applications closed by outcome"), closed, "outcome", Outcome, _("Outcome")),
    ):
        counts = dict(qs.values_list(field_name).annotate(n=Count("pk")).order_by())
        labels = {c.value: str(c.label) for c in choices}
        ordered = [(labels.get(k, k or _("(none)")), n) for k, n in counts.items()]
        ordered.sort(key=lambda pair: -pair[1])
        charts.append(Chart(code, title, "pie" if code != "apps_outcome" else "bar", header, _("Number of applications"),
                            [p[0] for p in ordered], [p[1] for p in ordered]))
    timed = closed.filter(due_on__isnull=False)
    statutory_total = timed.count()
    statutory_ok = timed.filter(closed_on__lte=F("due_on")).count()
    internal = closed.filter(internal_due_on__isnull=False).annotate(first_draft=Min("replies__created_at"))
    internal_total = internal.count()
    internal_ok = internal.filter(first_draft__date__lte=F("internal_due_on")).count()

    def share(ok, total):
        return round(ok * 100 / total, 1) if total else 0

    charts.append(
        Chart("apps_timeliness", _("Timeliness of applications closed (share, %)"), "bar", _("Measure"), _("Share (%)"),
              [_("Draft reply within the internal target"), _("Answered within the statutory limit")],
              [share(internal_ok, internal_total), share(statutory_ok, statutory_total)],
              note=_("Internal target: %(ok)s of %(total)s; statutory limit: %(sok)s of %(stotal)s.")
              % {"ok": internal_ok, "total": internal_total, "sok": statutory_ok, "stotal": statutory_total})
    )
    return charts


def organ_charts(organ_ids, year: int) -> list[Chart]:
    """Across organs: items published and applications received per organ."""
    from gongkai.organs.models import Organ

    names = dict(Organ.objects.filter(pk__in=organ_ids).values_list("pk", "name"))
    items = dict(_published(organ_ids, year).values_list("organ_id").annotate(n=Count("pk")).order_by())
    charts = [Chart("organs_items", _("Items published by organ"), "bar", _("Organ"), _("Items"),
                    [names[o] for o in organ_ids], [items.get(o, 0) for o in organ_ids])]
    base = counting.applications_base(organ_ids)
    if base is not None:
        start, end = counting.year_bounds(year)
        apps = dict(base.filter(received_on__range=(start, end)).values_list("organ_id").annotate(n=Count("pk")).order_by())
        charts.append(Chart("organs_apps", _("Applications received by organ"), "bar", _("Organ"), _("Number of applications"),
                            [names[o] for o in organ_ids], [apps.get(o, 0) for o in organ_ids]))
    return charts


def dashboard(organ_ids, year: int, *, across: bool) -> list[Chart]:
    charts = item_charts(organ_ids, year) + application_charts(organ_ids, year)
    if across:
        charts = organ_charts(organ_ids, year) + charts
    return charts


def cached_dashboard(organ_ids, year: int, *, across: bool) -> tuple[list[Chart], object]:
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

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for chart in charts:
        sheet = workbook.create_sheet(chart.code[:31])
        sheet.append([title])
        sheet.append([chart.title])
        sheet.append([chart.label_header, chart.value_header])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for label, value in chart.rows:
            sheet.append([label, value])
        if chart.note:
            sheet.append([])
            sheet.append([chart.note])
        sheet.column_dimensions["A"].width = 48
        sheet.column_dimensions["B"].width = 14
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


__all__ = ["Chart", "dashboard", "to_xlsx", "Q"]
