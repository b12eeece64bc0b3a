"""An item's content as data: the editable fields, snapshots and their hashes, the working copy of a revision,
and writing content onto the row; plus the helpers every move shares (role check, lock, public-change signal)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.catalogue.models import (
    Category,
    Disclosure,
    InterpretationKind,
    Item,
    ItemState,
    ItemVersion,
    RevisionState,
    Scope,
    Topic,
    Validity,
    WithholdingReason,
)
from gongkai.catalogue.signals import item_public_changed
from gongkai.catalogue.workflow import (
    MOVES,
)
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.core.richtext import clean_html, html_to_text
from gongkai.organs.models import Department, Organ, Role
from gongkai.organs.permissions import has_role
from gongkai.organs.workflow import Move
from gongkai.sensitive import services as sensitive
from gongkai.signoff.models import Signoff, SignoffStatus

if TYPE_CHECKING:
    from gongkai.sensitive.models import Finding

TEXT_FIELDS = (
    "title", "body", "summary", "document_number", "keywords", "validity_note", "withholding_note",
    "disclosure_channels", "video_url",
)


CHOICE_FIELDS = {"validity": Validity, "disclosure": Disclosure, "scope": Scope, "interpretation_kind": InterpretationKind}


FOREIGN_KEYS = {"topic": Topic, "category": Category, "department": Department, "withholding_reason": WithholdingReason}


DATE_FIELDS = ("date_formed", "validity_changed_on")


BOOLEAN_FIELDS = ("important", "on_portal")


EDITABLE_FIELDS = (
    TEXT_FIELDS + tuple(CHOICE_FIELDS) + tuple(FOREIGN_KEYS) + DATE_FIELDS + BOOLEAN_FIELDS + ("interprets",)
)


DEFAULTS: dict[str, Any] = {
    "title": "", "body": "", "summary": "", "document_number": "", "keywords": "", "validity_note": "",
    "withholding_note": "", "disclosure_channels": "政府网站", "video_url": "", "validity": Validity.IN_FORCE,
    "disclosure": Disclosure.ACTIVE, "scope": Scope.PUBLIC, "interpretation_kind": "", "topic": None,
    "category": None, "department": None, "withholding_reason": None, "date_formed": None,
    "validity_changed_on": None, "important": False, "on_portal": True, "interprets": [],
}


def _plain(key: str, value: Any) -> Any:
    """A JSON-ready form of one field's value."""
    if key in FOREIGN_KEYS:
        return getattr(value, "pk", value) if value not in ("", None) else None
    if key in DATE_FIELDS:
        if value in ("", None):
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise DomainError(_("Enter a valid date (YYYY-MM-DD)."), field=key)
    if key in BOOLEAN_FIELDS:
        return bool(value)
    if key == "interprets":
        return sorted({getattr(v, "pk", v) for v in (value or [])})
    if key == "body":
        return clean_html(value or "")
    return (value or "").strip() if isinstance(value, str) or value is None else value


def normalize(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    return {key: _plain(key, value) for key, value in data.items()}


def snapshot(item: Item) -> dict[str, Any]:
    """Every editable field of the row plus the current attachments' fingerprints."""
    data = {}
    for key in EDITABLE_FIELDS:
        if key == "interprets":
            data[key] = sorted(item.interprets.values_list("pk", flat=True)) if item.pk else []
        elif key in FOREIGN_KEYS:
            data[key] = getattr(item, f"{key}_id")
        else:
            data[key] = _plain(key, getattr(item, key))
    data["attachments"] = [
        {"id": a.pk, "name": a.name, "sha256": a.sha256}
        for a in item.attachments.filter(is_current=True).order_by("pk")
    ] if item.pk else []
    return data


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def working_version(item: Item) -> ItemVersion | None:
    """The unsubmitted version a revision is being drafted in, if any."""
    return item.versions.filter(submitted_at__isnull=True).order_by("-number").first()


def working_data(item: Item) -> dict[str, Any]:
    """The content the author is working on (what a draft form shows)."""
    if item.state == ItemState.PUBLISHED and item.revision_state:
        version = working_version(item) or item.versions.order_by("-number").first()
        if version is not None:
            return dict(version.data)
    return snapshot(item)


def latest_submitted(item: Item) -> ItemVersion | None:
    return item.versions.filter(submitted_at__isnull=False).order_by("-number").first()


def is_editable(item: Item) -> bool:
    return MOVES.state_allows(item, "edit")


def _require(user: User, organ: Organ, roles: Iterable[str]) -> None:
    roles = tuple(roles)
    if not has_role(user, organ, *roles):
        names = "、".join(str(Role(r).label) for r in roles)
        raise NotAllowed(_("You need the role %(roles)s in %(organ)s.") % {"roles": names, "organ": organ.name})


def _check(item: Item, by: User, verb: str, refusal: str | None = None, field: str | None = None) -> Move:
    """``MOVES.check``, saying ``refusal`` (about ``field``) when the state does not allow the move."""
    try:
        return MOVES.check(item, by, verb)
    except InvalidTransition:
        if refusal is None:
            raise
        raise InvalidTransition(refusal, field=field) from None


def _lock(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("organ", "category").get(pk=item.pk)


def _notify_public(item: Item) -> None:
    item_id, organ_id = item.pk, item.organ_id
    transaction.on_commit(lambda: item_public_changed.send(sender=Item, item_id=item_id, organ_id=organ_id))


def _apply(item: Item, data: dict[str, Any]) -> None:
    """Write ``data`` (already normalized and checked) onto the row."""
    for key, value in data.items():
        if key in ("interprets", "attachments"):
            continue
        if key in FOREIGN_KEYS:
            setattr(item, f"{key}_id", value)
        elif key in DATE_FIELDS:
            setattr(item, key, dt.date.fromisoformat(value) if value else None)
        else:
            setattr(item, key, value)
    item.body_text = html_to_text(item.body)
    item.save()
    if "interprets" in data:
        item.interprets.set(data["interprets"])
    if "attachments" in data:
        keep = {a["id"] for a in data["attachments"]}
        for attachment in item.attachments.all():
            if attachment.is_current != (attachment.pk in keep):
                attachment.is_current = attachment.pk in keep
                attachment.save(update_fields=["is_current"])
    _refresh_attachments_text(item)


def _refresh_attachments_text(item: Item) -> None:
    text = "\n".join(a.text for a in item.attachments.filter(is_current=True).order_by("pk") if a.text)
    if text != item.attachments_text:
        item.attachments_text = text
        item.save(update_fields=["attachments_text"])


def _revision_version(item: Item, *, by: User) -> ItemVersion:
    """The unsubmitted version of a revision; after a return, a fresh copy of the returned one."""
    version = working_version(item)
    if version is None:
        base = latest_submitted(item)
        data = dict(base.data) if base else snapshot(item)
        version = ItemVersion.objects.create(
            item=item, number=_next_number(item), data=data, content_hash=content_hash(data), created_by=by
        )
    return version


def _next_number(item: Item) -> int:
    last = item.versions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def findings_of(item: Item, version: int | None = None) -> QuerySet[Finding]:
    return sensitive.findings_for(item, version)


def pending_signoff(item: Item) -> Signoff | None:
    return Signoff.objects.for_subject(item).filter(status=SignoffStatus.PENDING).first()


def _state_label(item: Item) -> str:
    if item.state == ItemState.PUBLISHED and item.revision_state:
        return str(RevisionState(item.revision_state).label)
    return item.state_label


def item_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Item)
