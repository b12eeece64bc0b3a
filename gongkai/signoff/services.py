"""Opening and deciding sign-offs. Subject apps (catalogue, applications,
reports, interaction) call these from their own services and react to the result."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.organs.models import Organ, Role
from gongkai.organs.permissions import has_role
from gongkai.signoff.models import (
    Chain,
    ChainStep,
    Decision,
    Signoff,
    SignoffDecision,
    SignoffStatus,
    SignoffStepState,
    SubjectKind,
)

DEFAULT_CHAINS = {
    SubjectKind.ITEM: [
        (Role.DEPARTMENT_HEAD, False),
        (Role.CONFIDENTIALITY_REVIEWER, False),
        (Role.DEPUTY_LEADER, False),
        (Role.PRINCIPAL_LEADER, True),
    ],
    SubjectKind.REPLY: [(Role.DEPARTMENT_HEAD, False), (Role.DEPUTY_LEADER, False), (Role.PRINCIPAL_LEADER, False)],
    SubjectKind.REPORT: [(Role.DISCLOSURE_OFFICE, False), (Role.DEPUTY_LEADER, False), (Role.PRINCIPAL_LEADER, False)],
    SubjectKind.MESSAGE: [(Role.DEPARTMENT_HEAD, False), (Role.DEPUTY_LEADER, False)],
}


def chain_for(organ: Organ, kind: str) -> Chain:
    """The organ's chain for this kind, created from the default when the organ has none yet."""
    chain, created = Chain.objects.get_or_create(organ=organ, kind=kind)
    if created:
        for position, (role, only_if_important) in enumerate(DEFAULT_CHAINS[SubjectKind(kind)], start=1):
            ChainStep.objects.create(chain=chain, position=position, role=role, only_if_important=only_if_important)
    return chain


def set_chain(organ: Organ, kind: str, steps: list[tuple[str, bool]], *, by: User) -> Chain:
    if not steps:
        raise DomainError(_("A sign-off chain needs at least one step."), field="steps")
    with transaction.atomic():
        chain = chain_for(organ, kind)
        old = [list(pair) for pair in chain.steps.values_list("role", "only_if_important")]
        chain.steps.all().delete()
        for position, (role, only_if_important) in enumerate(steps, start=1):
            ChainStep.objects.create(chain=chain, position=position, role=role, only_if_important=only_if_important)
        log_action(chain, "signoff.chain_changed", by=by, organ=organ, data={"old": old, "new": steps})
    return chain


def open_signoff(
    subject: models.Model, *, organ: Organ, kind: str, by: User, title: str, version: int, content_hash: str, important: bool
) -> Signoff:
    """Open a sign-off for one exact version of ``subject``. Call inside the subject's transaction."""
    chain = chain_for(organ, kind)
    roles = [s.role for s in chain.steps.all() if important or not s.only_if_important]
    if not roles:
        raise DomainError(_("The sign-off chain of %(organ)s has no steps.") % {"organ": organ.name})
    subject_type = ContentType.objects.get_for_model(type(subject))
    if Signoff.objects.filter(subject_type=subject_type, subject_id=str(subject.pk), status=SignoffStatus.PENDING).exists():
        raise InvalidTransition(_("This is already waiting for sign-off."))
    signoff = Signoff.objects.create(
        organ=organ,
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject.pk),
        subject_title=title[:300],
        version=version,
        content_hash=content_hash,
        important=important,
        current_position=1,
        current_role=roles[0],
        submitted_by=by,
    )
    SignoffStepState.objects.bulk_create(
        [SignoffStepState(signoff=signoff, position=i, role=r) for i, r in enumerate(roles, start=1)]
    )
    log_action(signoff, "signoff.opened", by=by, organ=organ, data={"version": version, "steps": roles})
    return signoff


def decide(signoff: Signoff, *, by: User, decision: str, comment: str = "", content_hash: str) -> Signoff:
    """Record ``by``'s decision on the current step. Returns the sign-off,
    now pending at the next step, approved (last step) or returned."""
    with transaction.atomic():
        signoff = Signoff.objects.select_for_update().get(pk=signoff.pk)
        if signoff.status != SignoffStatus.PENDING:
            raise InvalidTransition(_("This sign-off is no longer waiting for a decision."))
        if not has_role(by, signoff.organ, signoff.current_role):
            raise NotAllowed(
                _("This step needs the role %(role)s in %(organ)s.")
                % {"role": Role(signoff.current_role).label, "organ": signoff.organ.name}
            )
        if content_hash != signoff.content_hash:
            raise InvalidTransition(_("The content changed after it was submitted; it must be submitted again."))
        if decision == Decision.RETURN and not comment.strip():
            raise DomainError(_("Say what must change when returning it."), field="comment")
        if decision not in Decision.values:
            raise DomainError(_("Choose approve or return."), field="decision")
        # The step being decided, read before the sign-off moves on: the decision row and the audit row name it.
        position, role = signoff.current_position, signoff.current_role
        SignoffDecision.objects.create(
            signoff=signoff,
            position=position,
            role=role,
            decided_by=by,
            decision=decision,
            comment=comment.strip(),
            content_hash=signoff.content_hash,
        )
        steps = list(signoff.steps.order_by("position"))
        if decision == Decision.RETURN:
            signoff.status = SignoffStatus.RETURNED
            signoff.closed_at = timezone.now()
            signoff.current_role = ""
        elif position >= len(steps):
            signoff.status = SignoffStatus.APPROVED
            signoff.closed_at = timezone.now()
            signoff.current_role = ""
        else:
            signoff.current_position = position + 1
            signoff.current_role = steps[position].role
        signoff.save()
        log_action(signoff, f"signoff.{decision}", by=by, organ=signoff.organ, reason=comment, data={"step": position, "role": role})
    return signoff


def withdraw(signoff: Signoff, *, by: User | None, reason: str = "") -> Signoff:
    with transaction.atomic():
        signoff = Signoff.objects.select_for_update().get(pk=signoff.pk)
        if signoff.status != SignoffStatus.PENDING:
            raise InvalidTransition(_("Only a sign-off still waiting can be withdrawn."))
        signoff.status = SignoffStatus.WITHDRAWN
        signoff.closed_at = timezone.now()
        signoff.current_role = ""
        signoff.save()
        log_action(signoff, "signoff.withdrawn", by=by, organ=signoff.organ, reason=reason)
    return signoff


def amend(signoff: Signoff, *, by: User, version: int, content_hash: str, reason: str) -> Signoff:
    """Move a waiting sign-off onto a new version made during review (a passage masked by the confidentiality
    reviewer), without starting the chain again: the decisions already taken keep the fingerprint they approved,
    so the record shows which version each person saw; the remaining steps decide the new one. The subject's
    service checks who may make such a version."""
    with transaction.atomic():
        signoff = Signoff.objects.select_for_update().get(pk=signoff.pk)
        if signoff.status != SignoffStatus.PENDING:
            raise InvalidTransition(_("This sign-off is no longer waiting for a decision."))
        before = {"version": signoff.version, "hash": signoff.content_hash}
        signoff.version, signoff.content_hash = version, content_hash
        signoff.save(update_fields=["version", "content_hash"])
        log_action(
            signoff, "signoff.amended", by=by, organ=signoff.organ, reason=reason,
            data={"from": before, "to": {"version": version, "hash": content_hash}, "step": signoff.current_position},
        )
    return signoff


def history(subject: models.Model) -> QuerySet[Signoff]:
    """Every sign-off round of a subject with its decisions, oldest first."""
    return (
        Signoff.objects.for_subject(subject)
        .order_by("submitted_at", "id")
        .prefetch_related("decisions__decided_by", "steps")
    )
