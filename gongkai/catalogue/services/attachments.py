"""Attachments: stored in quarantine, checked in the background (virus scan, text), kept for earlier versions."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.catalogue.models import (
    Attachment,
    Item,
    ItemState,
)
from gongkai.catalogue.services.content import (
    _check,
    _lock,
    _refresh_attachments_text,
    _revision_version,
    content_hash,
    pending_signoff,
    working_data,
    working_version,
)
from gongkai.core import virus_scan
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, NotAllowed
from gongkai.core.models import FileCheck
from gongkai.core.tasks import enqueue
from gongkai.core.uploads import CATALOGUE_ATTACHMENT, check_upload, read_text
from gongkai.sensitive import services as sensitive


def _store_attachment(item: Item, *, by: User, uploaded: File) -> Attachment:
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


def add_attachment(item: Item, *, by: User, uploaded: File) -> Attachment:
    """Attach a file (checked by content, text extracted) to the working content."""
    with transaction.atomic():
        item = _lock(item)
        _check(item, by, "edit", _("Attachments can only be changed while the item is being edited."), "attachments")
        return _store_attachment(item, by=by, uploaded=uploaded)


def remove_attachment(item: Item, *, by: User, attachment: Attachment) -> None:
    """Take an attachment off the working content; the file is kept for earlier versions."""
    with transaction.atomic():
        item = _lock(item)
        _check(item, by, "edit", _("Attachments can only be changed while the item is being edited."), "attachments")
        if attachment.item_id != item.pk:
            raise NotAllowed(_("This attachment belongs to another item."))
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
