"""The confidentiality reviewer's work on the sensitive-content findings of a submitted version: mark each one
(a false alarm, or to be changed by the author), mask one in a click — the masked text is shown first and, once
confirmed, makes a new version that the running sign-off continues on — and return the item to the author once,
carrying every finding still to be changed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.catalogue.models import Item, ItemState, ItemVersion
from gongkai.catalogue.services.content import (
    _apply,
    _check,
    _lock,
    _next_number,
    content_hash,
    findings_of,
    latest_submitted,
    pending_signoff,
    snapshot,
)
from gongkai.catalogue.workflow import MOVES, enter, redaction_verb
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.core.richtext import html_to_text
from gongkai.sensitive.masking import masked_form
from gongkai.sensitive.models import Finding, FindingStatus
from gongkai.signoff import services as signoff_services

# The text fields a mask rewrites; a passage found only in an attachment cannot be masked here.
MASKABLE = ("title", "body", "summary", "keywords", "document_number")
CONTEXT = 30


def _item_of(finding: Finding) -> Item:
    item = finding.subject
    if not isinstance(item, Item):
        raise DomainError(_("This finding does not belong to a catalogue item."))
    return item


def resolve_finding(finding: Finding, *, by: User, resolution: str, note: str) -> Finding:
    """Mark one finding: a false alarm (with the reason) or a passage the author must change (with what to
    change). Nothing else moves; the item goes back to the author once, with ``return_for_changes``."""
    item = _item_of(finding)
    if resolution not in (FindingStatus.FALSE_POSITIVE, FindingStatus.REDACTION):
        raise DomainError(_("Choose false positive or to be changed by the author."), field="resolution")
    if not (note or "").strip():
        raise DomainError(_("Give the reason for your decision."), field="note")
    with transaction.atomic():
        item = _lock(item)
        _check(item, by, "resolve")
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != FindingStatus.OPEN:
            raise InvalidTransition(_("This finding has already been resolved."))
        _close(finding, by=by, status=resolution, note=note)
        log_action(item, f"catalogue.finding_{resolution}", by=by, reason=note, data={"finding": finding.pk, "kind": finding.kind, "match": finding.match})
    return finding


def _close(finding: Finding, *, by: User, status: str, note: str, masked_as: str = "") -> None:
    finding.status = status
    finding.resolved_by = by
    finding.resolved_at = timezone.now()
    finding.resolution_note = note.strip()
    finding.masked_as = masked_as
    finding.save()


@dataclass(frozen=True)
class MaskPlace:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class MaskPreview:
    finding: Finding
    version: ItemVersion
    masked: str
    places: list[MaskPlace]


def _around(text: str, match: str, replacement: str) -> tuple[str, str]:
    at = text.find(match)
    start, end = max(0, at - CONTEXT), at + len(match) + CONTEXT
    before = text[start:end]
    return before, before.replace(match, replacement)


def mask_preview(finding: Finding) -> MaskPreview:
    """What masking ``finding`` would write, field by field, for the reviewer to confirm. Refused when the
    finding is not open on the version being signed off, or its passage is not in a text field."""
    item = _item_of(finding)
    signoff = pending_signoff(item)
    if finding.status != FindingStatus.OPEN:
        raise InvalidTransition(_("This finding has already been resolved."))
    if signoff is None or signoff.version != finding.version:
        raise InvalidTransition(_("Only a finding of the version now in review can be masked."))
    version = item.versions.get(number=finding.version)
    masked = masked_form(finding.kind, finding.match)
    labels = dict(_field_labels())
    places = []
    for key in MASKABLE:
        value = version.data.get(key) or ""
        if finding.match in value:
            before, after = _around(html_to_text(value) if key == "body" else value, finding.match, masked)
            places.append(MaskPlace(labels[key], before, after))
    if not places:
        raise DomainError(_("The passage is not in the title, summary, keywords, document number or body (it may be in an attachment); mark it to be changed by the author."))
    return MaskPreview(finding, version, masked, places)


def _field_labels() -> list[tuple[str, str]]:
    return [
        ("title", _("title")), ("body", _("body")), ("summary", _("summary")), ("keywords", _("keywords")),
        ("document_number", _("document number")),
    ]


def mask_finding(finding: Finding, *, by: User, note: str = "") -> ItemVersion:
    """Mask the passage of ``finding`` wherever it stands in the text fields: a new version with the masked
    text, which the running sign-off continues on (the steps already decided keep the fingerprint they
    approved). Every open finding of the same passage is marked masked; the others move to the new version."""
    item = _item_of(finding)
    with transaction.atomic():
        item = _lock(item)
        _check(item, by, "mask", _("Only an item in review can be masked."))
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        preview = mask_preview(finding)
        signoff = pending_signoff(item)
        assert signoff is not None  # mask_preview refused otherwise
        changes = {
            key: preview.version.data[key].replace(finding.match, preview.masked)
            for key in MASKABLE if finding.match in (preview.version.data.get(key) or "")
        }
        if item.state == ItemState.PUBLISHED:  # a revision: the public keeps the published row
            data = {**preview.version.data, **changes}
        else:
            _apply(item, changes)
            data = snapshot(item)
        reason = note.strip() or _("Masked: %(masked)s") % {"masked": preview.masked}
        version = ItemVersion.objects.create(
            item=item, number=_next_number(item), data=data, content_hash=content_hash(data),
            note=reason[:300], created_by=by, submitted_at=timezone.now(),
        )
        same = findings_of(item, preview.version.number).filter(status=FindingStatus.OPEN, match=finding.match)
        masked_ids = []
        for each in same.select_for_update():
            _close(each, by=by, status=FindingStatus.MASKED, note=reason, masked_as=preview.masked)
            masked_ids.append(each.pk)
        moved = list(findings_of(item, preview.version.number).exclude(status=FindingStatus.SUPERSEDED).values_list("pk", flat=True))
        findings_of(item, preview.version.number).filter(pk__in=moved).update(version=version.number)
        signoff_services.amend(signoff, by=by, version=version.number, content_hash=version.content_hash, reason=reason)
        item.save(update_fields=["updated_at"])
        log_action(
            item, "catalogue.finding_masked", by=by, reason=reason,
            data={
                "findings": masked_ids, "kind": finding.kind, "masked_as": preview.masked, "fields": sorted(changes),
                "from_version": preview.version.number, "version": version.number, "hash": version.content_hash,
            },
        )
    return version


def findings_to_return(item: Item) -> QuerySet[Finding]:
    """The findings a return would carry: those of the version in review still open or marked for the author."""
    signoff = pending_signoff(item)
    version = signoff.version if signoff is not None else getattr(latest_submitted(item), "number", None)
    if version is None:
        return findings_of(item).none()
    return findings_of(item, version).filter(status__in=(FindingStatus.OPEN, FindingStatus.REDACTION))


def return_for_changes(item: Item, *, by: User, note: str) -> Item:
    """Return the item to the author once, with every finding still to change: those marked for the author and
    those still open (which are marked so now, with ``note``). The running sign-off is withdrawn."""
    if not (note or "").strip():
        raise DomainError(_("Say what the author must change."), field="note")
    with transaction.atomic():
        item = _lock(item)
        verb = redaction_verb(item)
        if verb is None:
            raise InvalidTransition(_("Only an item in review or approved can be returned for changes."))
        move = MOVES.check(item, by, verb)
        carried = list(findings_to_return(item).select_for_update())
        if not carried:
            raise InvalidTransition(_("No finding is left for the author to change; approve the item or return it with a comment in your decision."))
        for finding in carried:
            if finding.status == FindingStatus.OPEN:
                _close(finding, by=by, status=FindingStatus.REDACTION, note=note)
        signoff = pending_signoff(item)
        if signoff is not None:
            signoff_services.withdraw(signoff, by=by, reason=note)
        enter(item, move.target)
        item.save(update_fields=["state", "revision_state", "updated_at"])
        log_action(
            item, "catalogue.returned_for_redaction", by=by, reason=note,
            data={"version": carried[0].version, "findings": [f.pk for f in carried]},
        )
    return item
