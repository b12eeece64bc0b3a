"""Counting the records behind each cell (selectors, no writes).

The same conditions count a cell and list the records behind it, so a number
and its drill-down list can never disagree. Every function takes a list of
organ ids, so a government-wide report is the same few grouped queries as one
organ's report.

Counting rules (documented in docs/annual-report.md):
- table 二, 规章/行政规范性文件 (published catalogue items whose category has
  that ``annual_report_row``): issued = formed (成文日期) in the year; repealed =
  repealed or expired with ``validity_changed_on`` in the year; in force = formed
  by 31 December and not repealed/expired by then.
- table 三: received = ``received_on`` in the year; carried over = received
  before 1 January and not closed before 1 January; an outcome row = closed in
  the year with that outcome; （七）总计 = every case closed in the year (so a
  closed case without an outcome shows up as an R2 failure, not silently);
  carried forward = received by 31 December and not closed by 31 December.
  Columns by applicant type; 总计 counts every case (so a case without a known
  applicant type shows up as an R3 failure).
- table 四: an appeal counts in the year it was filed (``filed_on``); its column
  is its result as known at 31 December — an appeal decided later is 尚未审结
  in that year's report.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, F, Q, Value, When

from gongkai.applications.taxonomy import APPLICANT_COLUMNS, AppealResult
from gongkai.reports import structure

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongkai.applications.models import Appeal, Application
    from gongkai.catalogue.models import Item


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def month_start(year: int, month: int) -> datetime.datetime:
    """Local midnight of the first day of a month, as an aware datetime (index-friendly bounds for published_at)."""
    from django.utils import timezone

    if month == 13:
        year, month = year + 1, 1
    return timezone.make_aware(datetime.datetime(year, month, 1))


def published_in_year(year: int) -> Q:
    return Q(published_at__gte=month_start(year, 1), published_at__lt=month_start(year + 1, 1))


# --- models of other apps, imported lazily ----------------------------------------


def application_models() -> tuple[type[Application], type[Appeal]] | tuple[None, None]:
    """(Application, Appeal) or (None, None) while the applications app has no models."""
    try:
        from gongkai.applications.models import Appeal, Application
    except ImportError:
        return None, None
    return Application, Appeal


def applications_base(organ_ids: Iterable[int]) -> QuerySet[Application] | None:
    Application, _ = application_models()
    if Application is None:
        return None
    manager = Application.objects
    qs = manager.reportable() if hasattr(manager.all(), "reportable") else manager.all()
    return qs.filter(organ_id__in=organ_ids)


def appeals_base(organ_ids: Iterable[int]) -> QuerySet[Appeal] | None:
    _, Appeal = application_models()
    if Appeal is None:
        return None
    return Appeal.objects.filter(organ_id__in=organ_ids)


# --- conditions ---------------------------------------------------------------------


def t2_condition(row: str, column: str, year: int) -> Q:
    from gongkai.catalogue.models import Validity

    start, end = year_bounds(year)
    if column == "issued":
        return Q(date_formed__range=(start, end))
    if column == "repealed":
        return Q(validity__in=[Validity.REPEALED, Validity.EXPIRED], validity_changed_on__range=(start, end))
    if column == "in_force":
        return Q(date_formed__lte=end) & (Q(validity=Validity.IN_FORCE) | Q(validity_changed_on__gt=end))
    raise KeyError(column)


def items_base(organ_ids: Iterable[int], row: str | None = None) -> QuerySet[Item]:
    from gongkai.catalogue.models import Item, ItemState

    qs = Item.objects.filter(organ_id__in=organ_ids, state=ItemState.PUBLISHED)
    if row:
        return qs.filter(category__annual_report_row=row)
    return qs.filter(category__annual_report_row__in=["rule", "normative"])


def t3_row_condition(row: str, year: int) -> Q:
    start, end = year_bounds(year)
    if row == "received":
        return Q(received_on__range=(start, end))
    if row == "carried_over":
        return Q(received_on__lt=start) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    if row == "carried_forward":
        return Q(received_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))
    if row == "outcome_total":
        return Q(closed_on__range=(start, end))
    if row in structure.OUTCOME_LEAVES:
        return Q(closed_on__range=(start, end), outcome=row)
    raise KeyError(row)


def t3_column_condition(column: str) -> Q:
    return Q() if column == "total" else Q(applicant_type=column)


def appeal_year_end_result(year: int) -> Case:
    _, end = year_bounds(year)
    return Case(
        When(Q(decided_on__isnull=False, decided_on__lte=end), then=F("result")),
        default=Value(AppealResult.PENDING.value),
        output_field=CharField(),
    )


# --- drill-down ----------------------------------------------------------------------


def records_for(organ_ids: Iterable[int], year: int, key: str) -> tuple[str, QuerySet[Any] | None]:
    """(kind, queryset) of the records a cell counts; kind is 'item', 'application',
    'appeal', or 'manual' (a figure entered by hand: no records on the platform)."""
    if key not in structure.ALL_KEY_SET:
        raise KeyError(key)
    table, row, column = key.split(".")
    if table == "t2":
        if structure.T2_BY_CODE[row].manual:
            return "manual", None
        return "item", items_base(organ_ids, row).filter(t2_condition(row, column, year)).select_related("category", "organ")
    if table == "t3":
        base = applications_base(organ_ids)
        if base is None:
            return "application", None
        return "application", base.filter(t3_row_condition(row, year) & t3_column_condition(column))
    base = appeals_base(organ_ids)
    if base is None:
        return "appeal", None
    start, end = year_bounds(year)
    qs = base.filter(filed_on__range=(start, end), kind=row).annotate(year_end_result=appeal_year_end_result(year))
    if column != "total":
        qs = qs.filter(year_end_result=column)
    return "appeal", qs


# --- counting --------------------------------------------------------------------------


def count_table2(organ_ids: Iterable[int], year: int) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = {oid: {} for oid in organ_ids}
    for oid in organ_ids:
        for row in ("rule", "normative"):
            for column in structure.T2_DOC_COLUMNS:
                result[oid][structure.t2_key(row, column)] = 0
    from gongkai.catalogue.models import Category, Item, ItemState

    aggregates = {
        column: Count("category_id", filter=t2_condition("rule", column, year)) for column in structure.T2_DOC_COLUMNS
    }
    # The same rows as items_base(), with the categories' ids known before the query, so PostgreSQL
    # reads the few documents of these categories (an index on category) instead of every item.
    row_of = dict(Category.objects.filter(annual_report_row__in=["rule", "normative"]).values_list("pk", "annual_report_row"))
    rows = (
        Item.objects.filter(organ_id__in=organ_ids, state=ItemState.PUBLISHED, category_id__in=list(row_of))
        .values("organ_id", "category_id").annotate(**aggregates).order_by()
    )
    for r in rows:
        cells = result[r["organ_id"]]
        for column in structure.T2_DOC_COLUMNS:
            cells[structure.t2_key(row_of[r["category_id"]], column)] += r[column]
    return result


def count_table3(organ_ids: Iterable[int], year: int) -> dict[int, dict[str, int]] | None:
    base = applications_base(organ_ids)
    if base is None:
        return None
    result: dict[int, dict[str, int]] = {
        oid: {structure.t3_key(r, c): 0 for r in structure.T3_ROWS for c in structure.T3_COLUMNS} for oid in organ_ids
    }

    def add(oid: int, row: str, applicant_type: str, n: int) -> None:
        cells = result[oid]
        cells[structure.t3_key(row, "total")] += n
        if applicant_type in APPLICANT_COLUMNS:
            cells[structure.t3_key(row, applicant_type)] += n

    # One grouped scan over the cases any of the four row conditions counts (their union, so a case
    # with impossible dates — closed before it was received — is counted as before and check R1 sees it).
    rows = ("received", "carried_over", "carried_forward", "outcome_total")
    union = Q()
    for row in rows:
        union |= t3_row_condition(row, year)
    groups = (
        base.filter(union)
        .values("organ_id", "applicant_type", "outcome")
        .annotate(**{row: Count("pk", filter=t3_row_condition(row, year)) for row in rows})
        .order_by()
    )
    for r in groups:
        for row in rows:
            if r[row]:
                add(r["organ_id"], row, r["applicant_type"], r[row])
        if r["outcome_total"] and r["outcome"] in structure.OUTCOME_LEAVES:
            add(r["organ_id"], r["outcome"], r["applicant_type"], r["outcome_total"])
    return result


def count_table4(organ_ids: Iterable[int], year: int) -> dict[int, dict[str, int]] | None:
    base = appeals_base(organ_ids)
    if base is None:
        return None
    start, end = year_bounds(year)
    result: dict[int, dict[str, int]] = {
        oid: {structure.t4_key(k, c): 0 for k in structure.T4_KINDS for c in structure.T4_COLUMNS} for oid in organ_ids
    }
    rows = (
        base.filter(filed_on__range=(start, end))
        .annotate(year_end_result=appeal_year_end_result(year))
        .values("organ_id", "kind", "year_end_result")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        if r["kind"] not in structure.T4_KINDS:
            continue
        cells = result[r["organ_id"]]
        cells[structure.t4_key(r["kind"], "total")] += r["n"]
        if r["year_end_result"] in structure.T4_RESULTS:
            cells[structure.t4_key(r["kind"], r["year_end_result"])] += r["n"]
    return result


def count_tables(organ_ids: Iterable[int], year: int) -> dict[int, dict]:
    """Every platform-held cell for each organ: {organ_id: {key: int}}.
    Tables whose source app has no models yet are left out (blank), never guessed."""
    organ_ids = list(organ_ids)
    merged: dict[int, dict] = defaultdict(dict)
    for part in (count_table2(organ_ids, year), count_table3(organ_ids, year), count_table4(organ_ids, year)):
        if part is None:
            continue
        for oid, cells in part.items():
            merged[oid].update(cells)
    return {oid: merged.get(oid, {}) for oid in organ_ids}
