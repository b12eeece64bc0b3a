"""Year-over-year comparison of two reports of one organ: figures side by side
with large changes highlighted, and text paragraphs repeated word for word
flagged as 雷同 (the 2021 format warns against copy-paste reports)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.reports import layout, structure

if TYPE_CHECKING:
    from gongkai.reports.models import AnnualReport

LARGE_CHANGE_RATIO = 0.5  # ±50 %
LARGE_CHANGE_MIN = 5  # and at least 5 in absolute terms (so 1 -> 2 is not "large")
MIN_PARAGRAPH = 15  # shorter paragraphs (headings, 【请填写】 prompts) are not compared


@dataclass
class Change:
    key: str
    label: str
    before: object
    after: object
    delta: object
    large: bool


def figure_changes(older: AnnualReport, newer: AnnualReport) -> list[Change]:
    a, b = older.values(), newer.values()
    changes = []
    for key in structure.ALL_KEYS:
        before, after = a.get(key), b.get(key)
        if before is None and after is None:
            continue
        if before == after:
            continue
        delta = None if before is None or after is None else after - before
        large = False
        if delta is not None:
            base = abs(before) if before else 0
            large = abs(delta) >= LARGE_CHANGE_MIN and (base == 0 or abs(delta) / base >= LARGE_CHANGE_RATIO)
        else:
            large = True  # blank on one side, a figure on the other
        changes.append(Change(key, structure.cell_label(key), before, after, delta, large))
    return changes


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", text)


def identical_paragraphs(older: AnnualReport, newer: AnnualReport) -> list[dict]:
    """Paragraphs of the newer report found word for word in the older one."""
    found = []
    for section in structure.TEXT_SECTIONS:
        old = {_norm(p) for code in structure.TEXT_SECTIONS for p in layout.paragraphs(older.text(code))}
        for paragraph in layout.paragraphs(newer.text(section)):
            if len(_norm(paragraph)) >= MIN_PARAGRAPH and "【" not in paragraph and _norm(paragraph) in old:
                found.append({"section": dict(structure.SECTIONS)[section], "text": paragraph})
    return found


def compare(older: AnnualReport, newer: AnnualReport) -> dict:
    changes = figure_changes(older, newer)
    similar = identical_paragraphs(older, newer)
    total = sum(len([p for p in layout.paragraphs(newer.text(s)) if len(_norm(p)) >= MIN_PARAGRAPH]) for s in structure.TEXT_SECTIONS)
    return {
        "older": older,
        "newer": newer,
        "changes": changes,
        "large": [c for c in changes if c.large],
        "similar": similar,
        "similar_share": (len(similar) / total) if total else 0,
    }
