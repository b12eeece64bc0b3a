"""The structure of the annual report (2021 format, 国办公开办函〔2021〕30号):
its six sections, the three tables, their rows, columns and cell keys.

A report's figures are a flat mapping ``cell key -> value``. A value of
``None`` (or a missing key) is a *blank* cell; ``0`` is a zero. Both occur in
real reports and are kept apart everywhere (checks, exports, import).

Cell keys:
- table 二: ``t2.<row>.<column>`` (``t2.rule.issued``, ``t2.fees.amount`` …)
- table 三: ``t3.<row>.<column>``; rows are ``received``, ``carried_over``,
  each outcome leaf code of :class:`~gongkai.applications.taxonomy.Outcome`,
  ``outcome_total`` (（七）总计) and ``carried_forward``; columns are the
  applicant types and ``total``.
- table 四: ``t4.<kind>.<result>``; kinds from ``AppealKind``, results from
  ``AppealResult`` plus ``total``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gongkai.applications.taxonomy import APPLICANT_COLUMNS, OUTCOME_GROUPS, AppealKind, AppealResult, ApplicantType, Outcome

SECTIONS = [
    ("overview", "一、总体情况"),
    ("proactive", "二、主动公开政府信息情况"),
    ("applications", "三、收到和处理政府信息公开申请情况"),
    ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
]
TEXT_SECTIONS = ("overview", "problems", "other")

# --- Table 二 -----------------------------------------------------------------


@dataclass(frozen=True)
class T2Row:
    code: str
    article: str
    label: str
    columns: tuple[str, ...]
    manual: bool  # held by the platform (catalogue) or entered/imported by staff


T2_DOC_COLUMNS = ("issued", "repealed", "in_force")
T2_COLUMN_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "本年收费金额（单位：万元）",
}
T2_ROWS = [
    T2Row("rule", "第二十条第（一）项", "规章", T2_DOC_COLUMNS, False),
    T2Row("normative", "第二十条第（一）项", "行政规范性文件", T2_DOC_COLUMNS, False),
    T2Row("licensing", "第二十条第（五）项", "行政许可", ("decisions",), True),
    T2Row("penalty", "第二十条第（六）项", "行政处罚", ("decisions",), True),
    T2Row("enforcement", "第二十条第（六）项", "行政强制", ("decisions",), True),
    T2Row("fees", "第二十条第（八）项", "行政事业性收费", ("amount",), True),
]
T2_BY_CODE = {r.code: r for r in T2_ROWS}
MANUAL_FIGURES = [r.code for r in T2_ROWS if r.manual]  # licensing, penalty, enforcement, fees
MANUAL_KEYS = {code: f"t2.{code}.{T2_BY_CODE[code].columns[0]}" for code in MANUAL_FIGURES}
AMOUNT_KEYS = {"t2.fees.amount"}
AMOUNT_DECIMALS = 4

# --- Table 三 ------------------------------------------------------------------

T3_COLUMNS = [*APPLICANT_COLUMNS, "total"]
T3_COLUMN_LABELS = {**{c.value: c.label for c in ApplicantType}, "total": "总计"}
OUTCOME_LEAVES = [o.value for o in Outcome]

GROUP_LABELS = {
    "disclosed": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


def leaf_label(outcome: str) -> str:
    """The leaf's own label without its group prefix: '4.保护第三方合法权益'."""
    label = Outcome(outcome).label
    return label.split(" ", 1)[1] if " " in label else label


T3_ROW_LABELS = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "outcome_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
    **{o.value: o.label for o in Outcome},
}
T3_ROWS = ["received", "carried_over", *OUTCOME_LEAVES, "outcome_total", "carried_forward"]

# --- Table 四 -------------------------------------------------------------------

T4_KINDS = [k.value for k in AppealKind]
T4_RESULTS = [r.value for r in AppealResult]
T4_COLUMNS = [*T4_RESULTS, "total"]
T4_KIND_LABELS = {k.value: k.label for k in AppealKind}
T4_RESULT_LABELS = {**{r.value: r.label for r in AppealResult}, "total": "总计"}


def t2_key(row: str, column: str) -> str:
    return f"t2.{row}.{column}"


def t3_key(row: str, column: str) -> str:
    return f"t3.{row}.{column}"


def t4_key(kind: str, column: str) -> str:
    return f"t4.{kind}.{column}"


def all_keys() -> list[str]:
    keys = [t2_key(r.code, c) for r in T2_ROWS for c in r.columns]
    keys += [t3_key(r, c) for r in T3_ROWS for c in T3_COLUMNS]
    keys += [t4_key(k, c) for k in T4_KINDS for c in T4_COLUMNS]
    return keys


ALL_KEYS = all_keys()
ALL_KEY_SET = set(ALL_KEYS)


def cell_label(key: str) -> str:
    """A person-readable name for a cell: '表三 不予公开 4.保护第三方合法权益 · 自然人'."""
    table, row, column = key.split(".")
    if table == "t2":
        r = T2_BY_CODE[row]
        return f"表二 {r.label} · {T2_COLUMN_LABELS[column]}"
    if table == "t3":
        return f"表三 {T3_ROW_LABELS[row]} · {T3_COLUMN_LABELS[column]}"
    return f"表四 {T4_KIND_LABELS[row]} · {T4_RESULT_LABELS[column]}"


def to_value(key: str, raw: int | float | str | Decimal | None) -> int | Decimal | None:
    """Normalise a stored value: None stays None (blank), amounts are Decimal, counts int."""
    if raw is None or raw == "":
        return None
    if key in AMOUNT_KEYS:
        return Decimal(str(raw))
    return int(raw)


def to_json(key: str, value: int | Decimal | str | None) -> int | str | None:
    if value is None:
        return None
    if key in AMOUNT_KEYS:
        return str(Decimal(value).quantize(Decimal(1).scaleb(-AMOUNT_DECIMALS)).normalize()) if value != 0 else "0"
    return int(value)


def format_value(key: str, value: int | Decimal | str | None) -> str:
    """Blank prints as empty, zero prints as 0."""
    if value is None:
        return ""
    if key in AMOUNT_KEYS:
        text = format(Decimal(value).normalize(), "f")
        return text
    return str(int(value))


__all__ = [
    "OUTCOME_GROUPS",
]
