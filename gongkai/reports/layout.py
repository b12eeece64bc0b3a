"""The three tables laid out as in the 2021 format, with merged header cells.

One layout feeds the web page, the PDF (same HTML) and the DOCX, so the three
look the same. A table is a list of rows; a row is a list of ``Cell``s whose
``colspan``/``rowspan`` say how they merge."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from gongkai.applications.taxonomy import OUTCOME_GROUPS
from gongkai.reports import structure
from gongkai.reports.structure import (
    GROUP_LABELS,
    T2_COLUMN_LABELS,
    T2_ROWS,
    T3_COLUMN_LABELS,
    T4_KIND_LABELS,
    T4_RESULT_LABELS,
    leaf_label,
    t2_key,
    t3_key,
    t4_key,
)

# Leading rows of each table that are column headings: <thead> on the page and in the PDF, and
# repeated at the top of each page in the DOCX, so a table running onto a second page keeps its headings.
HEAD_ROWS = {"t2": 0, "t3": 3, "t4": 3}

# Column widths in mm of a 180 mm text width (A4 less 15 mm each side): the DOCX uses them as they are,
# the web page and the PDF as percentages, so the tables have the same shape in all three. The label
# columns of table 三 are wide enough for its longest leaf label in two or three lines.
COLUMN_WIDTHS_MM = {
    "t2": [60, 40, 40, 40],
    "t3": [16, 22, 52] + [90 / 7] * 7,
    "t4": [12] * 15,
}


def column_percentages() -> dict[str, list[str]]:
    return {name: [f"{w * 100 / sum(widths):.2f}" for w in widths] for name, widths in COLUMN_WIDTHS_MM.items()}


@dataclass
class Cell:
    text: str = ""
    key: str = ""  # a figure cell when set
    colspan: int = 1
    rowspan: int = 1
    header: bool = False
    url: str = ""
    css: str = ""

    @property
    def is_figure(self) -> bool:
        return bool(self.key)


def _figure(values: dict[str, Any], key: str, link: Callable[[str], str] | None, colspan: int = 1,
            flagged: Collection[str] = frozenset()) -> Cell:
    value = values.get(key)
    css = "figure" + (" blank" if value is None else "") + (" flagged" if key in flagged else "")
    return Cell(structure.format_value(key, value), key=key, colspan=colspan, url=link(key) if link else "", css=css)


def table2(values: dict[str, Any], link: Callable[[str], str] | None = None, flagged: Collection[str] = frozenset()) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    groups: dict[str, list] = {}
    for r in T2_ROWS:
        groups.setdefault(r.article, []).append(r)
    for article, members in groups.items():
        rows.append([Cell(article, colspan=4, header=True, css="section")])
        columns = members[0].columns
        if len(columns) == 3:
            rows.append([Cell("信息内容", header=True)] + [Cell(T2_COLUMN_LABELS[c], header=True) for c in columns])
        else:
            rows.append([Cell("信息内容", header=True), Cell(T2_COLUMN_LABELS[columns[0]], colspan=3, header=True)])
        for r in members:
            if len(r.columns) == 3:
                rows.append([Cell(r.label)] + [_figure(values, t2_key(r.code, c), link, flagged=flagged) for c in r.columns])
            else:
                rows.append([Cell(r.label), _figure(values, t2_key(r.code, r.columns[0]), link, colspan=3, flagged=flagged)])
    return rows


def table3(values: dict[str, Any], link: Callable[[str], str] | None = None, flagged: Collection[str] = frozenset()) -> list[list[Cell]]:
    columns = structure.T3_COLUMNS

    def figures(row: str) -> list[Cell]:
        return [_figure(values, t3_key(row, c), link, flagged=flagged) for c in columns]

    rows: list[list[Cell]] = [
        [
            Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colspan=3, rowspan=3, header=True),
            Cell("申请人情况", colspan=7, header=True),
        ],
        [
            Cell(T3_COLUMN_LABELS["natural_person"], rowspan=2, header=True),
            Cell("法人或其他组织", colspan=5, header=True),
            Cell("总计", rowspan=2, header=True),
        ],
        [Cell(T3_COLUMN_LABELS[c], header=True) for c in columns[1:6]],
        [Cell(structure.T3_ROW_LABELS["received"], colspan=3)] + figures("received"),
        [Cell(structure.T3_ROW_LABELS["carried_over"], colspan=3)] + figures("carried_over"),
    ]
    outcome_rows = 2 + sum(len(OUTCOME_GROUPS[g]) for g in ("withheld", "unavailable", "not_processed", "other")) + 1
    first = True
    for group in ("disclosed", "partial", "withheld", "unavailable", "not_processed", "other"):
        leaves = OUTCOME_GROUPS[group]
        for i, leaf in enumerate(leaves):
            row: list[Cell] = []
            if first:
                row.append(Cell("三、本年度办理结果", rowspan=outcome_rows))
                first = False
            if len(leaves) == 1:
                row.append(Cell(GROUP_LABELS[group], colspan=2))
            else:
                if i == 0:
                    row.append(Cell(GROUP_LABELS[group], rowspan=len(leaves)))
                row.append(Cell(leaf_label(leaf)))
            rows.append(row + figures(leaf.value))
    rows.append([Cell("（七）总计", colspan=2)] + figures("outcome_total"))
    rows.append([Cell(structure.T3_ROW_LABELS["carried_forward"], colspan=3)] + figures("carried_forward"))
    return rows


def table4(values: dict[str, Any], link: Callable[[str], str] | None = None, flagged: Collection[str] = frozenset()) -> list[list[Cell]]:
    kinds = structure.T4_KINDS
    results = structure.T4_COLUMNS
    rows = [
        [Cell("行政复议", colspan=5, header=True), Cell("行政诉讼", colspan=10, header=True)],
        [Cell(T4_RESULT_LABELS[r], rowspan=2, header=True) for r in results]
        + [Cell("未经复议直接起诉", colspan=5, header=True), Cell("复议后起诉", colspan=5, header=True)],
        [Cell(T4_RESULT_LABELS[r], header=True) for _k in kinds[1:] for r in results],
        [_figure(values, t4_key(k, r), link, flagged=flagged) for k in kinds for r in results],
    ]
    return rows


def tables(
    values: dict[str, Any], link: Callable[[str], str] | None = None, flagged: Collection[str] = frozenset()
) -> dict[str, list[list[Cell]]]:
    return {"t2": table2(values, link, flagged), "t3": table3(values, link, flagged), "t4": table4(values, link, flagged)}


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def grid(rows: list[list[Cell]]) -> tuple[int, list[tuple[int, int, Cell]]]:
    """Place merged cells on a grid: (number of columns, [(row, column, cell)])."""
    occupied: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    return width, placed


__all__ = ["HEAD_ROWS", "COLUMN_WIDTHS_MM", "column_percentages", "Cell", "tables", "table2", "table3", "table4", "paragraphs", "grid", "T4_KIND_LABELS"]
