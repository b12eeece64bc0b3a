"""What a reviewer sees: a version's fields in readable form, and what
changed from the previous version (character-level for text: Chinese has
no spaces to split words on)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.models import (
    Category,
    Disclosure,
    InterpretationKind,
    Item,
    Scope,
    Topic,
    Validity,
    WithholdingReason,
)
from gongkai.core.richtext import html_to_text
from gongkai.organs.models import Department

LABELS = {
    "title": _("title"),
    "document_number": _("document number"),
    "date_formed": _("date formed"),
    "topic": _("topic"),
    "category": _("category"),
    "department": _("department"),
    "keywords": _("keywords"),
    "summary": _("summary"),
    "body": _("body"),
    "disclosure": _("disclosure attribute"),
    "withholding_reason": _("legal reason"),
    "withholding_note": _("reason in detail"),
    "disclosure_channels": _("disclosure method"),
    "scope": _("disclosure scope"),
    "validity": _("validity"),
    "validity_changed_on": _("repealed or expired on"),
    "validity_note": _("explanation of repeal or expiry"),
    "important": _("important matter"),
    "on_portal": _("also on the government portal"),
    "interpretation_kind": _("interpretation form"),
    "video_url": _("video link"),
    "interprets": _("interprets"),
    "attachments": _("attachments"),
}
MODELS = {"topic": Topic, "category": Category, "department": Department, "withholding_reason": WithholdingReason}
CHOICES = {"disclosure": Disclosure, "scope": Scope, "validity": Validity, "interpretation_kind": InterpretationKind}


def display(key: str, value: Any) -> str:
    if value in (None, "", []):
        return ""
    if key in MODELS:
        obj = MODELS[key].objects.filter(pk=value).first()
        return str(obj) if obj else f"#{value}"
    if key in CHOICES:
        return str(CHOICES[key](value).label) if value in CHOICES[key].values else str(value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key == "interprets":
        return "；".join(Item.objects.filter(pk__in=value).values_list("title", flat=True))
    if key == "attachments":
        return "；".join(f"{a['name']}（{_('checksum')} {a['sha256'][:12]}…）" for a in value)
    if key == "body":
        return html_to_text(value)
    return str(value)


def rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, readable value) for every field of a version, in form order."""
    return [(str(LABELS[key]), display(key, data.get(key))) for key in LABELS if key != "body"]


@dataclass
class Change:
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]] = field(default_factory=list)  # ("equal"|"delete"|"insert", text)


def _segments(old: str, new: str) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", old[i1:i2]))
        else:
            if i2 > i1:
                out.append(("delete", old[i1:i2]))
            if j2 > j1:
                out.append(("insert", new[j1:j2]))
    return out


def compare(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """The fields that differ between two versions' data (every field when there is no previous version)."""
    changes = []
    for key, label in LABELS.items():
        before = display(key, (old or {}).get(key))
        after = display(key, new.get(key))
        if old is not None and before == after:
            continue
        if old is None and not after:
            continue
        change = Change(str(label), before, after)
        if old is not None and key in ("title", "body", "summary", "withholding_note", "validity_note"):
            change.segments = _segments(before, after)
        changes.append(change)
    return changes
