"""Publishing with index numbers, and what follows: revision, repeal/expiry (废止/失效), withdrawal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.catalogue import index_numbers
from gongkai.catalogue.models import (
    Disclosure,
    IndexCounter,
    Item,
    ItemVersion,
    Validity,
)
from gongkai.catalogue.services.attachments import _refuse_if_unchecked
from gongkai.catalogue.services.content import (
    _apply,
    _check,
    _lock,
    _next_number,
    _notify_public,
    _state_label,
    content_hash,
    latest_submitted,
    pending_signoff,
    snapshot,
)
from gongkai.catalogue.services.findings import findings_to_return
from gongkai.catalogue.workflow import (
    MOVES,
    RESOLVING_ROLES,
    enter,
    publish_verb,
    withdraw_verb,
)
from gongkai.catalogue.workflow import allowed_actions as _allowed_actions
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.organs import serials
from gongkai.organs.permissions import has_role
from gongkai.sensitive import services as sensitive
from gongkai.sensitive.models import FindingStatus
from gongkai.signoff import services as signoff_services
from gongkai.signoff.models import Signoff, SignoffStatus


def next_index_number(item: Item, *, when: dt.datetime) -> tuple[str, int, int]:
    """Take the next serial of the item's organ for ``when``'s year (locked: gap-free) and render the 索引号."""
    year = timezone.localtime(when).year
    serial = serials.take(IndexCounter, item.organ_id, year)
    organ = item.organ
    number = index_numbers.render(
        organ.index_template, organ_code=organ.code, year=year, month=timezone.localtime(when).month,
        category=item.category.code, serial=serial,
    )
    return number, year, serial


def publish(item: Item, *, by: User) -> Item:
    """Publish an approved item (or an approved revision) to the organ's column."""
    with transaction.atomic():
        item = _lock(item)
        verb = publish_verb(item)
        revising = verb == "publish_revision"
        move = _check(
            item, by, verb,
            _("There is no approved revision to publish.") if revising else
            _("Only an item approved by the whole sign-off chain can be published; this one is %(state)s.") % {"state": _state_label(item)},
        )
        version = latest_submitted(item)
        if item.disclosure != Disclosure.ACTIVE and not revising:
            raise InvalidTransition(_("This item is not disclosed proactively; it stays in the register of withheld items."))
        if version is None or not _approved(item, version):
            raise InvalidTransition(_("The approved version was not found; submit the item again."))
        _refuse_if_unchecked(item, version.data)
        if sensitive.open_findings(item, version.number).exists():
            raise InvalidTransition(_("Sensitive-content findings are still open; the confidentiality reviewer must resolve them."))
        if sensitive.findings_for(item, version.number).filter(status=FindingStatus.REDACTION).exists():
            raise InvalidTransition(_("A sensitive-content finding is marked to be changed by the author; return the item to the author."))
        now = timezone.now()
        if revising:
            _apply(item, version.data)
            item.changed_on = None
        else:
            if content_hash(snapshot(item)) != version.content_hash:
                raise InvalidTransition(_("The content differs from the approved version; it must be reviewed again."))
            if not item.index_number:
                item.index_number, item.index_year, item.index_serial = next_index_number(item, when=now)
            item.published_at = now
            item.published_by = by
        enter(item, move.target)
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


def start_revision(item: Item, *, by: User, note: str = "") -> ItemVersion:
    """Open a new version of a published item for editing; the public keeps the published one."""
    with transaction.atomic():
        item = _lock(item)
        move = _check(item, by, "revise", _("Only a published item without a revision under way can be revised."))
        data = snapshot(item)
        version = ItemVersion.objects.create(
            item=item, number=_next_number(item), data=data, content_hash=content_hash(data), note=note[:300], created_by=by
        )
        enter(item, move.target)
        item.changed_on = timezone.localdate()  # Art. 26: 20 working days from the change
        item.save(update_fields=["revision_state", "changed_on", "updated_at"])
        log_action(item, "catalogue.revision_started", by=by, reason=note, data={"version": version.number})
    return version


def change_validity(item: Item, *, by: User, validity: str, on: dt.date, explanation: str) -> Item:
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
        _check(item, by, "validity", _("Only a published item can be repealed or expire."))
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


def withdraw(item: Item, *, by: User, reason: str) -> Item:
    """Take an item out of the catalogue (published: off the portal; draft: abandoned). Nothing is deleted."""
    if not (reason or "").strip():
        raise DomainError(_("Give the reason for withdrawing it."), field="reason")
    with transaction.atomic():
        item = _lock(item)
        if MOVES.state_allows(item, "discard"):
            raise InvalidTransition(_("A draft never submitted is discarded, not withdrawn."))
        move = _check(item, by, withdraw_verb(item), _("This item is already withdrawn."))
        signoff = pending_signoff(item)
        if signoff is not None:
            signoff_services.withdraw(signoff, by=by, reason=reason)
        was_public = item.is_public
        enter(item, move.target)
        item.changed_on = None
        item.save(update_fields=["state", "revision_state", "changed_on", "updated_at"])
        log_action(item, "catalogue.withdrawn", by=by, reason=reason)
        if was_public:
            _notify_public(item)
    return item


def discard(item: Item, *, by: User, reason: str = "") -> Item:
    """Give up a draft that was never submitted (作废): it leaves every list of work, kept with its history;
    nothing is deleted. A submitted item is withdrawn (撤回) instead."""
    with transaction.atomic():
        item = _lock(item)
        move = _check(item, by, "discard", _("Only a draft never submitted can be discarded; this one is %(state)s.") % {"state": _state_label(item)})
        if item.versions.exists():
            raise InvalidTransition(_("This draft was submitted before; withdraw it instead."))
        enter(item, move.target)
        item.save(update_fields=["state", "revision_state", "updated_at"])
        log_action(item, "catalogue.discarded", by=by, reason=reason.strip())
    return item


def allowed_actions(item: Item, user: User) -> set[str]:
    """The moves ``user`` may make on ``item`` now (``workflow.allowed_actions``); faces offer only these."""
    signoff = pending_signoff(item)
    open_findings = (
        signoff is not None
        and has_role(user, item.organ, *RESOLVING_ROLES)
        and sensitive.open_findings(item, signoff.version).exists()
    )
    to_return = has_role(user, item.organ, *RESOLVING_ROLES) and findings_to_return(item).exists()
    return _allowed_actions(item, user, signoff=signoff, open_findings=open_findings, findings_to_return=to_return)
