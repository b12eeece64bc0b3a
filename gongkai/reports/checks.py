"""The checks a report must pass (regulations.md §4):

- R1: in every column of table 三, 一 + 二 = 三（七） + 四;
- R2: （七）总计 = the sum of every outcome leaf above it, in every column;
- R3: the 总计 column = the sum of the six applicant columns, in every row;
- R4: in table 四, each 总计 = 维持 + 纠正 + 其他 + 尚未审结;
- R5: this year's 二 (carried over) = last year's 四 (carried forward), against
  last year's report (generated or imported).

Blank and 0 are kept apart: a check whose cells are all blank is reported as
blank (not as passed with zeros); a check mixing blank and numbers whose
arithmetic holds with blanks read as 0 is a warning naming the blank cells;
a check whose arithmetic fails is a failure naming every cell involved.
Only failures block publication (unless overridden by a named person).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.reports import structure
from gongkai.reports.structure import T3_COLUMN_LABELS, T4_KIND_LABELS, t3_key, t4_key

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongkai.reports.models import AnnualReport

PASSED, FAILED, WARNING, BLANK, SKIPPED = "passed", "failed", "warning", "blank", "skipped"

RULES = {
    "R1": "一 + 二 = 三（七） + 四",
    "R2": "（七）总计 = 各项办理结果之和",
    "R3": "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
    "R4": "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
    "R5": "本年 二、上年结转 = 上年 四、结转下年度继续办理",
}

# What each rule checks, in words: the page names a rule by what it checks, the code is only a reference.
RULE_NAMES = {
    "R1": gettext_lazy("Applications received and carried over equal those answered and carried forward"),
    "R2": gettext_lazy("The total of outcomes equals the sum of the outcomes"),
    "R3": gettext_lazy("Each row's total equals the sum of the six kinds of applicant"),
    "R4": gettext_lazy("Each total of appeals and lawsuits equals upheld + corrected + other + not yet concluded"),
    "R5": gettext_lazy("This year's carried-over applications equal last year's carried forward"),
}


@dataclass
class Finding:
    rule: str
    where: str  # a column or row code
    status: str
    left: list[str]  # cell keys on the left of the equation
    right: list[str]
    left_sum: int | None = None
    right_sum: int | None = None
    blank_cells: list[str] = field(default_factory=list)
    other_report: int | None = None  # R5: last year's report

    @property
    def passed(self) -> bool:
        return self.status != FAILED

    def as_dict(self) -> dict:
        data = asdict(self)
        data["passed"] = self.passed
        return data


def _equation(rule: str, where: str, values: Mapping[str, Any], left: list[str], right: list[str],
              right_values: Mapping[str, Any] | None = None, **extra: Any) -> Finding:
    right_values = values if right_values is None else right_values
    lv = [values.get(k) for k in left]
    rv = [right_values.get(k) for k in right]
    blanks = [k for k, v in zip(left, lv, strict=True) if v is None] + [k for k, v in zip(right, rv, strict=True) if v is None]
    if all(v is None for v in lv + rv):
        return Finding(rule, where, BLANK, left, right, None, None, blanks, **extra)
    left_sum = sum(v or 0 for v in lv)
    right_sum = sum(v or 0 for v in rv)
    if left_sum != right_sum:
        status = FAILED
    elif blanks:
        status = WARNING
    else:
        status = PASSED
    return Finding(rule, where, status, left, right, left_sum, right_sum, blanks, **extra)


def check_values(values: dict, last_year: dict | None = None, last_year_report: int | None = None) -> list[Finding]:
    """Run R1–R5 on a mapping of cell key -> value (None = blank)."""
    findings: list[Finding] = []
    for column in structure.T3_COLUMNS:
        findings.append(
            _equation(
                "R1",
                column,
                values,
                [t3_key("received", column), t3_key("carried_over", column)],
                [t3_key("outcome_total", column), t3_key("carried_forward", column)],
            )
        )
    for column in structure.T3_COLUMNS:
        findings.append(
            _equation("R2", column, values, [t3_key("outcome_total", column)], [t3_key(leaf, column) for leaf in structure.OUTCOME_LEAVES])
        )
    for row in structure.T3_ROWS:
        findings.append(
            _equation("R3", row, values, [t3_key(row, "total")], [t3_key(row, c) for c in structure.T3_COLUMNS if c != "total"])
        )
    for kind in structure.T4_KINDS:
        findings.append(_equation("R4", kind, values, [t4_key(kind, "total")], [t4_key(kind, r) for r in structure.T4_RESULTS]))
    for column in structure.T3_COLUMNS:
        if last_year is None:
            findings.append(Finding("R5", column, SKIPPED, [t3_key("carried_over", column)], []))
            continue
        findings.append(
            _equation(
                "R5",
                column,
                values,
                [t3_key("carried_over", column)],
                [t3_key("carried_forward", column)],
                right_values=last_year,
                other_report=last_year_report,
            )
        )
    return findings


def last_year_report(report: AnnualReport) -> AnnualReport | None:
    """Last year's report of the same organ: the platform's own if there is one,
    else the most recent imported copy."""
    from gongkai.reports.models import AnnualReport, ReportOrigin

    reports = AnnualReport.objects.filter(organ=report.organ, year=report.year - 1, scope=report.scope)
    own = reports.exclude(origin=ReportOrigin.IMPORTED).first()
    return own or reports.filter(origin=ReportOrigin.IMPORTED).order_by("-imported_at", "-id").first()


def run(report: AnnualReport) -> list[dict]:
    previous = last_year_report(report)
    findings = check_values(report.values(), previous.values() if previous else None, previous.pk if previous else None)
    return [f.as_dict() for f in findings]


def where_label(finding: dict) -> str:
    where = finding["where"]
    if finding["rule"] == "R3":
        return structure.T3_ROW_LABELS[where]
    if finding["rule"] == "R4":
        return T4_KIND_LABELS[where]
    return T3_COLUMN_LABELS[where]


def explain(finding: dict) -> str:
    """One translated sentence saying, in words only, what was checked, where, and the result (what pages show)."""
    where = where_label(finding)
    params = {"name": RULE_NAMES[finding["rule"]], "where": where, "equation": RULES[finding["rule"]]}
    status = finding["status"]
    if status == SKIPPED:
        return _("%(name)s (%(where)s): there is no report for last year to compare with.") % params
    if status == BLANK:
        return _("%(name)s (%(where)s): every cell is blank.") % params
    params.update(left=finding["left_sum"], right=finding["right_sum"])
    if status == FAILED:
        return _("%(name)s: not so in %(where)s, %(equation)s gives %(left)s ≠ %(right)s.") % params
    if status == WARNING:
        return _("%(name)s: in %(where)s only if the blank cells are read as 0.") % params
    return _("%(name)s: so in %(where)s, %(left)s = %(right)s.") % params


def describe(finding: dict) -> str:
    """``explain`` followed by the rule's code, for plain-text records that are searched by it."""
    return _("%(text)s (check %(rule)s)") % {"text": explain(finding), "rule": finding["rule"]}


def suspect_records(report: AnnualReport, finding: dict) -> tuple[str, QuerySet[Any]] | None:
    """The records most likely behind a failure of a generated report: cases closed
    without an outcome (R2), without a known applicant type (R3), closed before they
    were received (R1), appeals decided without a result (R4). Returns (kind, queryset) or None."""
    from django.db.models import F, Q

    from gongkai.reports import counting

    if report.is_imported or finding["status"] != FAILED:
        return None
    organ_ids = report_organ_ids(report)
    start, end = counting.year_bounds(report.year)
    base = counting.applications_base(organ_ids)
    column = finding["where"]
    if finding["rule"] in ("R1", "R2") and base is not None:
        qs = base.filter(counting.t3_column_condition(column))
        if finding["rule"] == "R2":
            return "application", qs.filter(closed_on__range=(start, end)).exclude(outcome__in=structure.OUTCOME_LEAVES)
        return "application", qs.filter(Q(received_on__gt=F("closed_on")) | Q(received_on__isnull=True), closed_on__isnull=False)
    if finding["rule"] == "R3" and base is not None:
        _kind, qs = counting.records_for(organ_ids, report.year, t3_key(finding["where"], "total"))
        return "application", qs.exclude(applicant_type__in=structure.APPLICANT_COLUMNS)
    if finding["rule"] == "R4":
        appeals = counting.appeals_base(organ_ids)
        if appeals is None:
            return None
        return "appeal", appeals.filter(filed_on__range=(start, end), kind=finding["where"], decided_on__lte=end).exclude(
            result__in=structure.T4_RESULTS
        )
    return None


def report_organ_ids(report: AnnualReport) -> list[int]:
    from gongkai.organs.models import Organ
    from gongkai.reports.models import ReportScope

    if report.scope == ReportScope.GOVERNMENT:
        return list(Organ.objects.below(report.organ).values_list("pk", flat=True))
    return [report.organ_id]
