"""The decision: drafting the reply, its sign-off (审签) and its delivery (送达)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import letters
from gongkai.applications.models import (
    Application,
    DeliveryMethod,
    LetterKind,
    Reply,
    ReplyStatus,
    Status,
)
from gongkai.applications.services import released
from gongkai.applications.services._base import _lock, _move, _today
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.workflow import MOVES
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition

if TYPE_CHECKING:
    from gongkai.accounts.models import User

# 其他处理 1 and 2: set by closing a case whose correction or fee did not arrive in time, never drafted.
CLOSING_OUTCOMES = frozenset({Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_UNPAID_FEE})


# --- decision, sign-off, delivery ---------------------------------------------------------


def _reply_hash(reply_fields: dict) -> str:
    text = "\x1f".join(str(reply_fields[k]) for k in sorted(reply_fields))
    return hashlib.sha256(text.encode()).hexdigest()


def draft_reply(
    application: Application, *, outcome: str, legal_basis: str, body: str, by: User, documents_provided: str = "", other_organ: str = ""
) -> Reply:
    """The handler's draft decision: an outcome from the annual-report taxonomy with its legal basis."""
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the outcome from the list."), field="outcome")
    if not legal_basis.strip():
        raise DomainError(_("A decision needs its legal basis (the article relied on)."), field="legal_basis")
    if not body.strip():
        raise DomainError(_("Write the reply text."), field="body")
    if outcome in (Outcome.DISCLOSED, Outcome.PARTIAL) and not documents_provided.strip():
        raise DomainError(_("List the documents or excerpts provided."), field="documents_provided")
    if outcome in CLOSING_OUTCOMES:
        raise DomainError(_("This outcome is recorded when the case is closed because the correction or the fee did not "
                            "arrive in time; it is not chosen in a reply."), field="outcome")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "draft_reply")
        if outcome == Outcome.UNAVAILABLE_UNCLEAR and application.corrected_on is None:
            raise DomainError(_("“Still unclear after correction” needs a correction first: request one (Art. 30)."),
                              field="outcome")
        version = (application.replies.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        fields = {"outcome": outcome, "legal_basis": legal_basis.strip(), "body": body.strip(),
                  "documents_provided": documents_provided.strip(), "other_organ": other_organ.strip()[:200]}
        reply = Reply.objects.create(application=application, version=version, created_by=by, content_hash=_reply_hash(fields), **fields)
        if application.status == Status.RECEIVED:
            application.status = Status.IN_PROGRESS
        if application.assignee_id is None:
            application.assignee = by
        _move(application, "reply_drafted", by=by, data={"reply": reply.pk, "version": version, "outcome": outcome})
    return reply


def submit_reply(reply: Reply, *, by: User, important: bool = False) -> Reply:
    from gongkai.signoff.models import SubjectKind
    from gongkai.signoff.services import open_signoff

    with transaction.atomic():
        application = _lock(reply.application)
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        MOVES.check(application, by, "submit_reply")
        target = MOVES.target(application, "submit_reply")
        if reply.status != ReplyStatus.DRAFT:
            raise InvalidTransition(_("Only a draft reply can be submitted."))
        if application.replies.filter(version__gt=reply.version).exists():
            raise InvalidTransition(_("A newer draft exists; submit that one."))
        released.freeze(reply, application)  # the files as they are now, pinned into the hash signed off
        reply.signoff = open_signoff(
            reply, organ=application.organ, kind=SubjectKind.REPLY, by=by,
            title=f"{application.tracking_number} {application.subject}", version=reply.version,
            content_hash=reply.content_hash, important=important,
        )
        reply.status = ReplyStatus.IN_SIGNOFF
        reply.save()
        _move(application, "reply_submitted", by=by, target=target, data={"reply": reply.pk})
        from gongkai.applications import outbox

        outbox.signoff_waiting(application, reply.signoff)
    return reply


def decide_reply(reply: Reply, *, by: User, decision: str, comment: str = "") -> Reply:
    """One step of the organ's sign-off chain. The last approval makes the
    reply final: the outcome is fixed and the reply letter generated."""
    from gongkai.signoff.models import Decision, SignoffStatus
    from gongkai.signoff.services import decide

    with transaction.atomic():
        application = _lock(reply.application)
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if reply.status != ReplyStatus.IN_SIGNOFF or reply.signoff_id is None:
            raise InvalidTransition(_("This reply is not waiting for sign-off."))
        signoff = decide(reply.signoff, by=by, decision=decision, comment=comment, content_hash=released.signed_off_hash(reply))
        from gongkai.applications import outbox

        if signoff.status == SignoffStatus.APPROVED:
            target = MOVES.check_state(application, "approve_reply").target
            reply.status = ReplyStatus.APPROVED
            reply.save()
            _move(application, "reply_approved", by=by, target=target, reason=comment, data={"reply": reply.pk, "outcome": reply.outcome})
            letters.make_letter(application, LetterKind.REPLY, by=by, extra={"reply": reply})
            outbox.reply_approved(application)
        elif signoff.status == SignoffStatus.RETURNED or decision == Decision.RETURN:
            target = MOVES.check_state(application, "return_reply").target
            reply.status = ReplyStatus.RETURNED
            reply.save()
            _move(application, "reply_returned", by=by, target=target, reason=comment, data={"reply": reply.pk})
            outbox.reply_returned(application, comment)
        else:
            log_action(application, "applications.reply_step_approved", by=by, reason=comment, data={"reply": reply.pk})
            outbox.signoff_waiting(application, signoff)
    return reply


def record_delivery(application: Application, *, via: str, by: User, delivered_on: dt.date | None = None, reference: str = "") -> Application:
    """Send the approved reply and close the case (送达、办结)."""
    if via not in DeliveryMethod.values:
        raise DomainError(_("Choose how the reply was delivered."), field="via")
    if via == DeliveryMethod.POST and not reference.strip():
        raise DomainError(_("Give the postal tracking number."), field="reference")
    if via == DeliveryMethod.IN_PERSON and not reference.strip():
        raise DomainError(_("Give the name of the person who signed for it."), field="reference")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "record_delivery")
        target = MOVES.target(application, "record_delivery")
        if via == DeliveryMethod.EMAIL and not application.email:
            raise DomainError(_("The applicant gave no e-mail address."), field="via")
        if via == DeliveryMethod.EMAIL and not reference.strip():
            reference = application.email  # the platform sends the reply letter there (outbox.reply_sent)
        reply = application.replies.get(status=ReplyStatus.APPROVED)
        day = delivered_on or _today()
        if day > _today():
            raise DomainError(_("The delivery date cannot be in the future."), field="delivered_on")
        # Not checked against the approval's timestamp: a paper sign-off may be entered after the reply went out.
        if application.received_on and day < application.received_on:
            raise DomainError(_("The reply cannot be delivered before the application was received (%(day)s).")
                              % {"day": application.received_on.isoformat()}, field="delivered_on")
        files = released.release(reply, application)  # exactly the files signed off, byte for byte
        reply.status = ReplyStatus.SENT
        reply.save()
        application.delivered_via, application.delivered_on, application.delivery_reference = via, day, reference.strip()[:100]
        application.outcome = reply.outcome
        application.closed_on = day
        _move(application, "reply_sent", by=by, target=target, data={"via": via, "outcome": reply.outcome, "files": files})
        from gongkai.applications import outbox

        outbox.reply_sent(application, via=via)
    return application
