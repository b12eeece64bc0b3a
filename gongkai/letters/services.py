"""Editing an organ's letter wording. Audited; nothing deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.letters.defaults import DEFAULTS
from gongkai.letters.models import LetterTemplate
from gongkai.letters.rendering import check_template, template_for

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ


@transaction.atomic
def save_template(*, organ: Organ | None, kind: str, title: str, body: str, by: User, reason: str = "") -> LetterTemplate:
    """Set the wording of ``kind`` for ``organ`` (``organ=None``: platform-wide).
    Checks the placeholders; the audit row keeps the old and the new text."""
    if kind not in DEFAULTS:
        raise DomainError(_("Unknown letter “%(kind)s”.") % {"kind": kind}, field="kind")
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    check_template(title, body)
    before = template_for(kind, organ)
    row = LetterTemplate.objects.select_for_update().filter(organ=organ, kind=kind).order_by("pk").first()
    if row is None:
        row = LetterTemplate(organ=organ, kind=kind)
    row.title, row.body, row.is_active = title, body, True
    row.updated_by = by if getattr(by, "is_authenticated", False) else None
    row.save()
    log_action(
        row,
        "letters.template_saved",
        by=by,
        organ=organ,
        reason=reason,
        data={"kind": kind, "before": {"title": before.title, "body": before.body, "origin": before.origin}, "after": {"title": title, "body": body}},
    )
    return row


@transaction.atomic
def reset_template(*, organ: Organ | None, kind: str, by: User, reason: str = "") -> None:
    """Go back to the platform or default wording (the organ's row is kept, inactive)."""
    row = LetterTemplate.objects.select_for_update().filter(organ=organ, kind=kind, is_active=True).order_by("pk").first()
    if row is None:
        raise DomainError(_("This letter already uses the default wording."), field="kind")
    row.is_active = False
    row.updated_by = by if getattr(by, "is_authenticated", False) else None
    row.save()
    log_action(row, "letters.template_reset", by=by, organ=organ, reason=reason, data={"kind": kind, "title": row.title, "body": row.body})
