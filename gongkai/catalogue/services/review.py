"""Review (先审核后公开): submission, the sensitive-content check, the sign-off chain, recall."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.catalogue.models import (
    Item,
    ItemVersion,
)
from gongkai.catalogue.services.attachments import _refuse_if_unchecked, attachments_of
from gongkai.catalogue.services.content import (
    _check,
    _lock,
    _next_number,
    _revision_version,
    _state_label,
    content_hash,
    findings_of,
    pending_signoff,
    snapshot,
)
from gongkai.catalogue.services.rules import _refuse_if_invalid
from gongkai.catalogue.workflow import (
    enter,
    recall_verb,
    signoff_outcome,
    submit_verb,
)
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.core.richtext import html_to_text
from gongkai.organs.models import Role
from gongkai.sensitive import services as sensitive
from gongkai.sensitive.models import FindingStatus
from gongkai.signoff import services as signoff_services
from gongkai.signoff.models import Decision, Signoff, SignoffStatus, SubjectKind


def submit(item: Item, *, by: User, note: str = "") -> ItemVersion:
    """Freeze the working content as a new version, scan it, and open the sign-off chain."""
    with transaction.atomic():
        item = _lock(item)
        verb = submit_verb(item)
        move = _check(
            item, by, verb,
            _("Only a draft or a returned item can be submitted; this one is %(state)s.") % {"state": _state_label(item)},
        )
        now = timezone.now()
        if verb == "submit":
            data = snapshot(item)
            _refuse_if_invalid(item.organ, data, item)
            version = ItemVersion.objects.create(
                item=item, number=_next_number(item), data=data, content_hash=content_hash(data),
                note=note[:300], created_by=by, submitted_at=now,
            )
        else:
            version = _revision_version(item, by=by)
            _refuse_if_invalid(item.organ, version.data, item)
            version.content_hash = content_hash(version.data)
            version.submitted_at = now
            version.note = note[:300]
            version.save(update_fields=["content_hash", "submitted_at", "note"])
        enter(item, move.target)
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


def review(item: Item, *, by: User, decision: str, comment: str = "", content_hash: str | None = None) -> Signoff:
    """Decide the current step of the item's sign-off. ``content_hash`` is the
    version the reviewer looked at; a different one is refused."""
    with transaction.atomic():
        item = _lock(item)
        _check(item, by, "review", _("This item is not waiting for sign-off."))
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
        if (
            decision == Decision.APPROVE
            and signoff.current_role == Role.CONFIDENTIALITY_REVIEWER
            and sensitive.findings_for(item, signoff.version).filter(status=FindingStatus.REDACTION).exists()
        ):
            raise DomainError(
                _("A finding is marked to be changed by the author: return the item to the author instead."), field="decision"
            )
        signoff = signoff_services.decide(
            signoff, by=by, decision=decision, comment=comment, content_hash=content_hash or signoff.content_hash
        )
        outcome = {SignoffStatus.RETURNED: "returned", SignoffStatus.APPROVED: "approved"}.get(signoff.status)
        if outcome is not None:
            enter(item, signoff_outcome(item, outcome))
        item.save(update_fields=["state", "revision_state", "updated_at"])
        log_action(item, f"catalogue.review_{decision}", by=by, reason=comment, data={"version": signoff.version, "signoff": signoff.pk})
    return signoff


def recall(item: Item, *, by: User, reason: str = "") -> Item:
    """The author takes a submission back before the chain has finished (to fix
    something noticed too late); the running sign-off is withdrawn, its decisions kept."""
    with transaction.atomic():
        item = _lock(item)
        move = _check(item, by, recall_verb(item), _("Only an item still in review can be recalled."))
        signoff = pending_signoff(item)
        if signoff is None:
            raise InvalidTransition(_("Only an item still in review can be recalled."))
        signoff_services.withdraw(signoff, by=by, reason=reason)
        enter(item, move.target)
        item.save(update_fields=["state", "revision_state", "updated_at"])
        log_action(item, "catalogue.recalled", by=by, reason=reason, data={"version": signoff.version})
    return item
