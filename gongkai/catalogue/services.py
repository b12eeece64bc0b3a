"""The catalogue's workflow: drafting, review (先审核后公开), the sensitive
check, publishing with index numbers, revision, repeal/expiry, withdrawal.

Every face (workspace, API, import, demo) calls these functions; none of
them changes an item by itself. Each move locks the item, checks the move
is allowed, saves, and writes one audit row.

Where the working content lives:
- an item never published is edited in its own row (states draft/returned);
- a published item is revised in an unsubmitted ``ItemVersion`` (its
  ``data``), so the public keeps the published content until the revision is
  approved and published, when the version is applied to the row.

``data`` dictionaries use the field names of ``EDITABLE_FIELDS``; related
objects may be given as instances or primary keys, dates as ``date`` or ISO
strings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import index_numbers
from gongkai.catalogue.models import (
    Attachment,
    Category,
    Disclosure,
    IndexCounter,
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
from gongkai.core import virus_scan
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.core.models import FileCheck
from gongkai.core.richtext import clean_html, html_to_text
from gongkai.core.tasks import enqueue
from gongkai.core.uploads import CATALOGUE_ATTACHMENT, check_upload, read_text
from gongkai.organs.models import Department, Organ, Role
from gongkai.organs.permissions import has_role, organs_with_role
from gongkai.sensitive import services as sensitive
from gongkai.sensitive.models import Finding, FindingStatus
from gongkai.signoff import services as signoff_services
from gongkai.signoff.models import Decision, Signoff, SignoffStatus, SubjectKind

DRAFTING_ROLES = (Role.CLERK, Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN)
PUBLISHING_ROLES = (Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN)
RESOLVING_ROLES = (Role.CONFIDENTIALITY_REVIEWER,)

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


# --- Content snapshots ---------------------------------------------------------


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
    if item.state in (ItemState.DRAFT, ItemState.RETURNED):
        return True
    return item.state == ItemState.PUBLISHED and item.revision_state in (RevisionState.DRAFT, RevisionState.RETURNED)


# --- Validation ------------------------------------------------------------------


def check_data(organ: Organ, data: dict[str, Any], *, item: Item | None = None) -> dict[str, str]:
    """The rules an item's content must satisfy, as {field: message}. Forms
    show all of them at once; services refuse with the first."""
    errors: dict[str, str] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("Enter the title.")
    if not data.get("date_formed"):
        errors["date_formed"] = _("Enter the date the document was formed (成文日期).")
    elif dt.date.fromisoformat(data["date_formed"]) > timezone.localdate():
        errors["date_formed"] = _("The date formed cannot be in the future.")
    objects: dict[str, Any] = {}
    for key, model in FOREIGN_KEYS.items():
        pk = data.get(key)
        if pk in (None, ""):
            objects[key] = None
            continue
        objects[key] = model.objects.filter(pk=pk).first()
        if objects[key] is None or not getattr(objects[key], "is_active", True):
            errors[key] = _("Choose an active entry from the list.")
    if objects.get("topic") is None and "topic" not in errors:
        errors["topic"] = _("Choose a topic (主题分类).")
    if objects.get("category") is None and "category" not in errors:
        errors["category"] = _("Choose a category (信息类别).")
    department = objects.get("department")
    if department is not None and department.organ_id != organ.pk:
        errors["department"] = _("This department belongs to another organ.")
    for key, choices in CHOICE_FIELDS.items():
        value = data.get(key) or ""
        if value and value not in choices.values:
            errors[key] = _("Choose a valid option.")
    disclosure = data.get("disclosure") or Disclosure.ACTIVE
    if disclosure != Disclosure.ACTIVE:
        reason = objects.get("withholding_reason")
        if reason is None:
            errors.setdefault("withholding_reason", _("Items not disclosed proactively need a legal reason."))
        elif reason.applies_to != disclosure:
            errors["withholding_reason"] = _("This reason does not apply to the chosen disclosure attribute.")
        if not (data.get("withholding_note") or "").strip():
            errors["withholding_note"] = _("Explain in your own words why this item is not disclosed proactively.")
    if item is not None and item.state == ItemState.PUBLISHED and disclosure != Disclosure.ACTIVE:
        errors["disclosure"] = _("A published item cannot be revised into a withheld one; withdraw it instead.")
    validity = data.get("validity") or Validity.IN_FORCE
    if validity != Validity.IN_FORCE:
        if not data.get("validity_changed_on"):
            errors["validity_changed_on"] = _("Enter the date it was repealed or expired.")
        if not (data.get("validity_note") or "").strip():
            errors["validity_note"] = _("Explain the repeal or expiry; the public sees this explanation.")
    category = objects.get("category")
    interprets = data.get("interprets") or []
    if category is not None and category.is_interpretation:
        kind = data.get("interpretation_kind") or ""
        if not kind:
            errors["interpretation_kind"] = _("Choose the form of the interpretation (text, graphic or video).")
        if kind == InterpretationKind.VIDEO and not data.get("video_url"):
            errors["video_url"] = _("A video interpretation needs the link to the video.")
        if not interprets:
            errors["interprets"] = _("Choose the policy document(s) this interprets.")
    elif interprets:
        errors["interprets"] = _("Only items of an interpretation category (政策解读) can interpret policy documents.")
    if interprets:
        policies = Item.objects.filter(pk__in=interprets).select_related("category", "organ")
        if len(policies) != len(set(interprets)) or any(not p.category.is_policy for p in policies):
            errors["interprets"] = _("Only policy documents can be interpreted.")
        elif item is not None and item.pk in interprets:
            errors["interprets"] = _("An item cannot interpret itself.")
        elif any(not may_interpret(organ, p) for p in policies):
            errors["interprets"] = _(
                "An interpretation can explain the policy documents of its own organ, or published ones of the "
                "governments and organs above it."
            )
    return errors


def may_interpret(organ: Organ, policy: Item) -> bool:
    """Whether an interpretation drafted in ``organ`` may explain ``policy``: a
    policy document of the organ itself, or a published one of an organ above it."""
    if not policy.category.is_policy or policy.state == ItemState.WITHDRAWN:
        return False
    if policy.organ_id == organ.pk:
        return True
    return policy.is_public and organ.path.startswith(policy.organ.path)


def interpretable_policies(organ: Organ):
    """The policy documents an interpretation drafted in ``organ`` may explain (see ``may_interpret``)."""
    return (
        Item.objects.filter(category__is_policy=True)
        .filter(models.Q(organ=organ) | models.Q(organ__in=organ.ancestors(), state=ItemState.PUBLISHED, disclosure=Disclosure.ACTIVE))
        .exclude(state=ItemState.WITHDRAWN)
    )


def organs_to_interpret(user, policy: Item) -> list[Organ]:
    """The organs in which ``user`` may draft an interpretation of ``policy``."""
    return [o for o in organs_with_role(user, *DRAFTING_ROLES).filter(is_active=True).order_by("path") if may_interpret(o, policy)]


def _refuse_if_invalid(organ: Organ, data: dict[str, Any], item: Item | None = None) -> None:
    errors = check_data(organ, data, item=item)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)


def _require(user, organ: Organ, roles: Iterable[str]) -> None:
    roles = tuple(roles)
    if not has_role(user, organ, *roles):
        names = "、".join(str(Role(r).label) for r in roles)
        raise NotAllowed(_("You need the role %(roles)s in %(organ)s.") % {"roles": names, "organ": organ.name})


def _lock(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("organ", "category").get(pk=item.pk)


def _notify_public(item: Item) -> None:
    item_id, organ_id = item.pk, item.organ_id
    transaction.on_commit(lambda: item_public_changed.send(sender=Item, item_id=item_id, organ_id=organ_id))


# --- Applying content to the row ---------------------------------------------------------


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


# --- Drafting --------------------------------------------------------------------


def create_draft(*, organ: Organ, by, data: dict[str, Any], files: Iterable = ()) -> Item:
    """A new item in draft, with its attachments; all or nothing."""
    _require(by, organ, DRAFTING_ROLES)
    content = {**DEFAULTS, **normalize(data)}
    _refuse_if_invalid(organ, content)
    with transaction.atomic():
        item = Item(organ=organ, created_by=by, state=ItemState.DRAFT, version=0)
        for key in ("topic", "category"):
            setattr(item, f"{key}_id", content[key])
        item.date_formed = dt.date.fromisoformat(content["date_formed"])
        item.save()
        _apply(item, content)
        for uploaded in files:
            _store_attachment(item, by=by, uploaded=uploaded)
        sensitive.check_draft(item, texts=_texts_to_scan({**content, "attachments": []}))
        log_action(item, "catalogue.drafted", by=by, data={"title": item.title})
    return item


def update_draft(item: Item, *, by, data: dict[str, Any]) -> Item:
    """Change the working content (a draft, a returned item or a revision)."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, DRAFTING_ROLES)
        if not is_editable(item):
            raise InvalidTransition(_("This item cannot be edited now: it is %(state)s.") % {"state": _state_label(item)})
        changes = normalize(data)
        current = working_data(item)
        content = {**current, **changes}
        _refuse_if_invalid(item.organ, content, item)
        changed = sorted(k for k in changes if current.get(k) != content.get(k))
        if item.state == ItemState.PUBLISHED:
            version = _revision_version(item, by=by)
            version.data = content
            version.content_hash = content_hash(content)
            version.save(update_fields=["data", "content_hash"])
        else:
            _apply(item, changes)
        sensitive.check_draft(item, texts=_texts_to_scan({**content, "attachments": []}))
        log_action(item, "catalogue.edited", by=by, data={"fields": changed})
    return item


def link_interpretation(item: Item, *, by, policies: Iterable[Item], kind: str, video_url: str = "") -> Item:
    """Make ``item`` (of an interpretation category) interpret ``policies``; shown both ways once published."""
    return update_draft(
        item, by=by, data={"interprets": list(policies), "interpretation_kind": kind, "video_url": video_url}
    )


def _revision_version(item: Item, *, by) -> ItemVersion:
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


def _store_attachment(item: Item, *, by, uploaded) -> Attachment:
    """Store a file in quarantine; a background job scans it and reads its text (``check_attachment``)."""
    kind = check_upload(uploaded, purpose=CATALOGUE_ATTACHMENT)
    uploaded.seek(0)
    content = uploaded.read()
    digest = hashlib.sha256(content).hexdigest()
    name = (getattr(uploaded, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        item=item,
        name=name,
        kind=kind.code,
        size=len(content),
        sha256=digest,
        is_current=item.state != ItemState.PUBLISHED,
        uploaded_by=by,
        check_state=FileCheck.PENDING,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    from gongkai.catalogue.tasks import check_attachment_job

    enqueue(check_attachment_job, attachment.pk)
    if item.state == ItemState.PUBLISHED:
        version = _revision_version(item, by=by)
        version.data["attachments"] = version.data.get("attachments", []) + [
            {"id": attachment.pk, "name": attachment.name, "sha256": digest}
        ]
        version.content_hash = content_hash(version.data)
        version.save(update_fields=["data", "content_hash"])
    else:
        _refresh_attachments_text(item)
    log_action(item, "catalogue.attachment_added", by=by, data={"name": name, "sha256": digest, "size": len(content)})
    return attachment


def add_attachment(item: Item, *, by, uploaded) -> Attachment:
    """Attach a file (checked by content, text extracted) to the working content."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, DRAFTING_ROLES)
        if not is_editable(item):
            raise InvalidTransition(_("Attachments can only be changed while the item is being edited."), field="attachments")
        return _store_attachment(item, by=by, uploaded=uploaded)


def remove_attachment(item: Item, *, by, attachment: Attachment) -> None:
    """Take an attachment off the working content; the file is kept for earlier versions."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, DRAFTING_ROLES)
        if attachment.item_id != item.pk:
            raise NotAllowed(_("This attachment belongs to another item."))
        if not is_editable(item):
            raise InvalidTransition(_("Attachments can only be changed while the item is being edited."), field="attachments")
        if item.state == ItemState.PUBLISHED:
            version = _revision_version(item, by=by)
            version.data["attachments"] = [a for a in version.data.get("attachments", []) if a["id"] != attachment.pk]
            version.content_hash = content_hash(version.data)
            version.save(update_fields=["data", "content_hash"])
        else:
            attachment.is_current = False
            attachment.save(update_fields=["is_current"])
            _refresh_attachments_text(item)
        log_action(item, "catalogue.attachment_removed", by=by, data={"name": attachment.name, "sha256": attachment.sha256})


def check_attachment(attachment_id: int) -> str:
    """Scan a stored attachment for malware (when clamd is configured) and read its text, then
    record the result; returns the new check state. The scan and the reading run outside any
    transaction (the reading in a child process with capped memory and time); only the
    recording takes the item's lock, for milliseconds. Raises ScannerUnavailable when clamd
    cannot be reached: the file stays in quarantine and the job is tried again."""
    attachment = Attachment.objects.get(pk=attachment_id)
    if attachment.check_state != FileCheck.PENDING:
        return attachment.check_state
    verdict = virus_scan.scan_stored(attachment.file)
    text = note = ""
    if verdict.clean:
        with attachment.file.open("rb") as stream:
            extracted = read_text(stream.read(), attachment.kind)
        text = extracted.text
        note = extracted.problem or ("" if extracted.complete else "truncated")
    with transaction.atomic():
        item = _lock(attachment.item)
        attachment = Attachment.objects.get(pk=attachment_id)
        if attachment.check_state != FileCheck.PENDING:
            return attachment.check_state
        if verdict.clean:
            attachment.text, attachment.check_state, attachment.check_note = text, FileCheck.CLEAN, note
            attachment.save(update_fields=["text", "check_state", "check_note"])
            _scan_submitted_text(item, attachment)
        else:
            attachment.check_state, attachment.check_note, attachment.is_current = FileCheck.INFECTED, verdict.signature[:200], False
            attachment.save(update_fields=["check_state", "check_note", "is_current"])
            version = working_version(item)
            if version is not None and any(a["id"] == attachment.pk for a in version.data.get("attachments", [])):
                version.data["attachments"] = [a for a in version.data["attachments"] if a["id"] != attachment.pk]
                version.content_hash = content_hash(version.data)
                version.save(update_fields=["data", "content_hash"])
            log_action(
                item, "catalogue.attachment_infected", by=None,
                data={"name": attachment.name, "sha256": attachment.sha256, "signature": verdict.signature},
            )
        _refresh_attachments_text(item)
    return attachment.check_state


def _refuse_if_unchecked(item: Item, data: dict[str, Any]) -> None:
    """A version with a file still in quarantine cannot be approved or published: its text has not been
    scanned for sensitive content yet; one with a file the virus scan refused never can."""
    files = attachments_of(item, data)
    infected = [a.name for a in files if a.check_state == FileCheck.INFECTED]
    if infected:
        raise DomainError(
            _("“%(names)s” was refused by the virus scan; return the item so that it is removed.") % {"names": "、".join(infected)},
            field="attachments",
        )
    waiting = [a.name for a in files if a.check_state == FileCheck.PENDING]
    if waiting:
        raise DomainError(
            _("“%(names)s” is still being checked (virus scan and text reading); try again in a moment.")
            % {"names": "、".join(waiting)},
            field="attachments",
        )


def _scan_submitted_text(item: Item, attachment: Attachment) -> None:
    """A file checked after its version was submitted: its text gets the sensitive-content scan of that version."""
    signoff = pending_signoff(item)
    if signoff is None or not attachment.text:
        return
    version = item.versions.filter(number=signoff.version).first()
    if version is not None and any(a["id"] == attachment.pk for a in version.data.get("attachments", [])):
        sensitive.record_findings(
            item, version=version.number, texts=[(_("attachment %(name)s") % {"name": attachment.name}, attachment.text)]
        )


def attachments_of(item: Item, data: dict[str, Any] | None = None) -> list[Attachment]:
    """The attachments of a version's data (the working content when None)."""
    data = data if data is not None else working_data(item)
    ids = [a["id"] for a in data.get("attachments", [])]
    by_id = {a.pk: a for a in Attachment.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


# --- Review ----------------------------------------------------------------------


def submit(item: Item, *, by, note: str = "") -> ItemVersion:
    """Freeze the working content as a new version, scan it, and open the sign-off chain."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, DRAFTING_ROLES)
        now = timezone.now()
        if item.state in (ItemState.DRAFT, ItemState.RETURNED):
            data = snapshot(item)
            _refuse_if_invalid(item.organ, data, item)
            version = ItemVersion.objects.create(
                item=item, number=_next_number(item), data=data, content_hash=content_hash(data),
                note=note[:300], created_by=by, submitted_at=now,
            )
            item.state = ItemState.IN_REVIEW
        elif item.state == ItemState.PUBLISHED and item.revision_state in (RevisionState.DRAFT, RevisionState.RETURNED):
            version = _revision_version(item, by=by)
            _refuse_if_invalid(item.organ, version.data, item)
            version.content_hash = content_hash(version.data)
            version.submitted_at = now
            version.note = note[:300]
            version.save(update_fields=["content_hash", "submitted_at", "note"])
            item.revision_state = RevisionState.IN_REVIEW
        else:
            raise InvalidTransition(_("Only a draft or a returned item can be submitted; this one is %(state)s.") % {"state": _state_label(item)})
        item.save(update_fields=["state", "revision_state", "updated_at"])
        _supersede_findings(item, before=version.number)
        sensitive.record_findings(item, version=version.number, texts=_texts_to_scan(version.data))
        signoff_services.open_signoff(
            item, organ=item.organ, kind=SubjectKind.ITEM, by=by, title=version.data["title"],
            version=version.number, content_hash=version.content_hash, important=version.data.get("important", False),
        )
        log_action(item, "catalogue.submitted", by=by, reason=note, data={"version": version.number, "hash": version.content_hash})
    return version


def _texts_to_scan(data: dict[str, Any]) -> list[tuple[str, str]]:
    texts = [(_("title"), data.get("title", "")), (_("body"), html_to_text(data.get("body", "")))]
    for extra in ("summary", "keywords", "document_number"):
        if data.get(extra):
            texts.append((extra, data[extra]))
    for attachment in attachments_of(Item(), data):
        if attachment.text:
            texts.append((_("attachment %(name)s") % {"name": attachment.name}, attachment.text))
    return texts


def _supersede_findings(item: Item, *, before: int) -> None:
    findings_of(item).filter(status=FindingStatus.OPEN, version__lt=before).update(status=FindingStatus.SUPERSEDED)


def findings_of(item: Item, version: int | None = None):
    return sensitive.findings_for(item, version)


def pending_signoff(item: Item) -> Signoff | None:
    return Signoff.objects.for_subject(item).filter(status=SignoffStatus.PENDING).first()


def review(item: Item, *, by, decision: str, comment: str = "", content_hash: str | None = None) -> Signoff:
    """Decide the current step of the item's sign-off. ``content_hash`` is the
    version the reviewer looked at; a different one is refused."""
    with transaction.atomic():
        item = _lock(item)
        signoff = pending_signoff(item)
        if signoff is None:
            raise InvalidTransition(_("This item is not waiting for sign-off."))
        if decision == Decision.APPROVE:
            reviewed = item.versions.filter(number=signoff.version).first()
            if reviewed is not None:
                _refuse_if_unchecked(item, reviewed.data)
        if (
            decision == Decision.APPROVE
            and signoff.current_role == Role.CONFIDENTIALITY_REVIEWER
            and sensitive.open_findings(item, signoff.version).exists()
        ):
            raise DomainError(_("Resolve every sensitive-content finding before approving."), field="decision")
        signoff = signoff_services.decide(
            signoff, by=by, decision=decision, comment=comment, content_hash=content_hash or signoff.content_hash
        )
        revising = item.state == ItemState.PUBLISHED
        if signoff.status == SignoffStatus.RETURNED:
            if revising:
                item.revision_state = RevisionState.RETURNED
            else:
                item.state = ItemState.RETURNED
        elif signoff.status == SignoffStatus.APPROVED:
            if revising:
                item.revision_state = RevisionState.APPROVED
            else:
                item.state = ItemState.APPROVED
        item.save(update_fields=["state", "revision_state", "updated_at"])
        log_action(item, f"catalogue.review_{decision}", by=by, reason=comment, data={"version": signoff.version, "signoff": signoff.pk})
    return signoff


def resolve_finding(finding: Finding, *, by, resolution: str, note: str) -> Finding:
    """The confidentiality reviewer's answer to one finding: a false positive
    (with the reason) or a return to the author for redaction."""
    item = finding.subject
    if not isinstance(item, Item):
        raise DomainError(_("This finding does not belong to a catalogue item."))
    if resolution not in (FindingStatus.FALSE_POSITIVE, FindingStatus.REDACTION):
        raise DomainError(_("Choose false positive or return for redaction."), field="resolution")
    if not (note or "").strip():
        raise DomainError(_("Give the reason for your decision."), field="note")
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, RESOLVING_ROLES)
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != FindingStatus.OPEN:
            raise InvalidTransition(_("This finding has already been resolved."))
        finding.status = resolution
        finding.resolved_by = by
        finding.resolved_at = timezone.now()
        finding.resolution_note = note.strip()
        finding.save()
        log_action(item, f"catalogue.finding_{resolution}", by=by, reason=note, data={"finding": finding.pk, "kind": finding.kind, "match": finding.match})
        if resolution == FindingStatus.REDACTION:
            signoff = pending_signoff(item)
            if signoff is not None:
                signoff_services.withdraw(signoff, by=by, reason=note)
            if item.state in (ItemState.IN_REVIEW, ItemState.APPROVED):
                item.state = ItemState.RETURNED
            elif item.state == ItemState.PUBLISHED and item.revision_state in (RevisionState.IN_REVIEW, RevisionState.APPROVED):
                item.revision_state = RevisionState.RETURNED
            item.save(update_fields=["state", "revision_state", "updated_at"])
            log_action(item, "catalogue.returned_for_redaction", by=by, reason=note, data={"version": finding.version})
    return finding


def recall(item: Item, *, by, reason: str = "") -> Item:
    """The author takes a submission back before the chain has finished (to fix
    something noticed too late); the running sign-off is withdrawn, its decisions kept."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, DRAFTING_ROLES)
        signoff = pending_signoff(item)
        if signoff is None:
            raise InvalidTransition(_("Only an item still in review can be recalled."))
        signoff_services.withdraw(signoff, by=by, reason=reason)
        if item.state == ItemState.PUBLISHED:
            item.revision_state = RevisionState.RETURNED
        else:
            item.state = ItemState.RETURNED
        item.save(update_fields=["state", "revision_state", "updated_at"])
        log_action(item, "catalogue.recalled", by=by, reason=reason, data={"version": signoff.version})
    return item


# --- Publishing ------------------------------------------------------------------


def next_index_number(item: Item, *, when: dt.datetime) -> tuple[str, int, int]:
    """Take the next serial of the item's organ for ``when``'s year (locked: gap-free) and render the 索引号."""
    year = timezone.localtime(when).year
    try:
        with transaction.atomic():
            IndexCounter.objects.get_or_create(organ_id=item.organ_id, year=year)
    except IntegrityError:  # created by a concurrent publisher
        pass
    counter = IndexCounter.objects.select_for_update().get(organ_id=item.organ_id, year=year)
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    organ = item.organ
    number = index_numbers.render(
        organ.index_template, organ_code=organ.code, year=year, month=timezone.localtime(when).month,
        category=item.category.code, serial=counter.last_serial,
    )
    return number, year, counter.last_serial


def publish(item: Item, *, by) -> Item:
    """Publish an approved item (or an approved revision) to the organ's column."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, PUBLISHING_ROLES)
        version = latest_submitted(item)
        revising = item.state == ItemState.PUBLISHED
        if revising and item.revision_state != RevisionState.APPROVED:
            raise InvalidTransition(_("There is no approved revision to publish."))
        if not revising and item.state != ItemState.APPROVED:
            raise InvalidTransition(_("Only an item approved by the whole sign-off chain can be published; this one is %(state)s.") % {"state": _state_label(item)})
        if item.disclosure != Disclosure.ACTIVE and not revising:
            raise InvalidTransition(_("This item is not disclosed proactively; it stays in the register of withheld items."))
        if version is None or not _approved(item, version):
            raise InvalidTransition(_("The approved version was not found; submit the item again."))
        _refuse_if_unchecked(item, version.data)
        if sensitive.open_findings(item, version.number).exists():
            raise InvalidTransition(_("Sensitive-content findings are still open; the confidentiality reviewer must resolve them."))
        now = timezone.now()
        if revising:
            _apply(item, version.data)
            item.revision_state = RevisionState.NONE
            item.changed_on = None
        else:
            if content_hash(snapshot(item)) != version.content_hash:
                raise InvalidTransition(_("The content differs from the approved version; it must be reviewed again."))
            if not item.index_number:
                item.index_number, item.index_year, item.index_serial = next_index_number(item, when=now)
            item.published_at = now
            item.published_by = by
            item.state = ItemState.PUBLISHED
        item.version = version.number
        item.save()
        log_action(
            item, "catalogue.revision_published" if revising else "catalogue.published", by=by,
            data={"version": version.number, "index_number": item.index_number},
        )
        _notify_public(item)
    return item


def _approved(item: Item, version: ItemVersion) -> bool:
    return Signoff.objects.for_subject(item).filter(
        status=SignoffStatus.APPROVED, version=version.number, content_hash=version.content_hash
    ).exists()


# --- After publishing ---------------------------------------------------------------


def start_revision(item: Item, *, by, note: str = "") -> ItemVersion:
    """Open a new version of a published item for editing; the public keeps the published one."""
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, DRAFTING_ROLES)
        if item.state != ItemState.PUBLISHED or item.revision_state:
            raise InvalidTransition(_("Only a published item without a revision under way can be revised."))
        data = snapshot(item)
        version = ItemVersion.objects.create(
            item=item, number=_next_number(item), data=data, content_hash=content_hash(data), note=note[:300], created_by=by
        )
        item.revision_state = RevisionState.DRAFT
        item.changed_on = timezone.localdate()  # Art. 26: 20 working days from the change
        item.save(update_fields=["revision_state", "changed_on", "updated_at"])
        log_action(item, "catalogue.revision_started", by=by, reason=note, data={"version": version.number})
    return version


def change_validity(item: Item, *, by, validity: str, on: dt.date, explanation: str) -> Item:
    """Mark a published item repealed or expired (废止/失效), or in force again; the public sees the explanation."""
    if validity not in Validity.values:
        raise DomainError(_("Choose a valid option."), field="validity")
    if not (explanation or "").strip():
        raise DomainError(_("Explain the change; the public sees this explanation."), field="explanation")
    if on is None:
        raise DomainError(_("Enter the date it takes effect."), field="on")
    if on > timezone.localdate() + dt.timedelta(days=366):
        raise DomainError(_("The date is too far in the future."), field="on")
    with transaction.atomic():
        item = _lock(item)
        _require(by, item.organ, PUBLISHING_ROLES)
        if item.state != ItemState.PUBLISHED:
            raise InvalidTransition(_("Only a published item can be repealed or expire."))
        if validity == item.validity:
            raise DomainError(_("The item is already %(validity)s.") % {"validity": Validity(validity).label}, field="validity")
        old = item.validity
        item.validity = validity
        item.validity_changed_on = on
        item.validity_note = explanation.strip()
        item.save(update_fields=["validity", "validity_changed_on", "validity_note", "updated_at"])
        log_action(item, "catalogue.validity_changed", by=by, reason=explanation, data={"from": old, "to": validity, "on": on.isoformat()})
        _notify_public(item)
    return item


def withdraw(item: Item, *, by, reason: str) -> Item:
    """Take an item out of the catalogue (published: off the portal; draft: abandoned). Nothing is deleted."""
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for withdrawing it."), field="reason")
    with transaction.atomic():
        item = _lock(item)
        if item.state in (ItemState.PUBLISHED, ItemState.APPROVED):
            _require(by, item.organ, PUBLISHING_ROLES)
        elif item.state in (ItemState.DRAFT, ItemState.RETURNED, ItemState.IN_REVIEW):
            _require(by, item.organ, DRAFTING_ROLES)
        else:
            raise InvalidTransition(_("This item is already withdrawn."))
        signoff = pending_signoff(item)
        if signoff is not None:
            signoff_services.withdraw(signoff, by=by, reason=reason)
        was_public = item.is_public
        item.state = ItemState.WITHDRAWN
        item.revision_state = RevisionState.NONE
        item.changed_on = None
        item.save(update_fields=["state", "revision_state", "changed_on", "updated_at"])
        log_action(item, "catalogue.withdrawn", by=by, reason=reason)
        if was_public:
            _notify_public(item)
    return item


def _state_label(item: Item) -> str:
    if item.state == ItemState.PUBLISHED and item.revision_state:
        return str(RevisionState(item.revision_state).label)
    return item.state_label


def item_content_type() -> ContentType:
    return ContentType.objects.get_for_model(Item)


# --- What a person may do next ------------------------------------------------------------


def allowed_actions(item: Item, user) -> set[str]:
    """The moves ``user`` may make on ``item`` now; faces offer only these."""
    actions: set[str] = set()
    organ = item.organ
    drafting = has_role(user, organ, *DRAFTING_ROLES)
    publishing = has_role(user, organ, *PUBLISHING_ROLES)
    editable = is_editable(item)
    if drafting and editable:
        actions |= {"edit", "submit"}
    if drafting and item.state in (ItemState.DRAFT, ItemState.RETURNED, ItemState.IN_REVIEW):
        actions.add("withdraw")
    if item.state == ItemState.PUBLISHED:
        if drafting and not item.revision_state:
            actions.add("revise")
        if publishing:
            actions |= {"validity", "withdraw"}
    if publishing and item.state == ItemState.APPROVED:
        actions.add("withdraw")
    if publishing and (
        (item.state == ItemState.APPROVED and item.disclosure == Disclosure.ACTIVE)
        or (item.state == ItemState.PUBLISHED and item.revision_state == RevisionState.APPROVED)
    ):
        actions.add("publish")
    signoff = pending_signoff(item)
    if signoff is not None and drafting:
        actions.add("recall")
    if signoff is not None and has_role(user, organ, signoff.current_role):
        actions.add("review")
    if has_role(user, organ, *RESOLVING_ROLES) and signoff is not None and sensitive.open_findings(item, signoff.version).exists():
        actions.add("resolve")
    return actions
