"""Handling (分办、承办): routing, claiming, assigning, notes, flags, merging and splitting; withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import changes, clock
from gongkai.applications.models import (
    Application,
    Note,
    ReplyStatus,
    Status,
)
from gongkai.applications.services._base import _lock, _move, _today
from gongkai.applications.services.intake import applicant_key, next_tracking_number
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.workflow import MOVES
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.organs.models import Department
from gongkai.organs.permissions import has_role

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def route(application: Application, *, department: Department, by: User) -> Application:
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "route")
        if department.organ_id != application.organ_id:
            raise DomainError(_("That department belongs to another organ."), field="department")
        old = application.department_id
        application.department = department
        if application.assignee_id and application.assignee.memberships.filter(
            organ=application.organ, department=department
        ).count() == 0:
            application.assignee = None
        _move(application, "routed", by=by, data={"from_department": old, "to_department": department.pk})
        from gongkai.applications import outbox

        outbox.routed(application)
    return application


def claim(application: Application, *, by: User) -> Application:
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "claim")
        target = MOVES.target(application, "claim")
        if application.assignee_id and application.assignee_id != by.pk:
            raise InvalidTransition(_("%(name)s already handles this application; ask for it to be reassigned.") % {
                "name": application.assignee.get_full_name() or application.assignee.get_username()
            })
        application.assignee = by
        _move(application, "claimed", by=by, target=target)
    return application


def assign(application: Application, *, to: User, by: User) -> Application:
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "assign")
        if not has_role(to, application.organ, *MOVES["claim"].roles):
            raise DomainError(_("That person handles no applications in this organ."), field="assignee")
        old = application.assignee_id
        application.assignee = to
        if application.status == Status.RECEIVED:
            application.status = Status.IN_PROGRESS
        _move(application, "assigned", by=by, data={"from": old, "to_user": to.pk})
        from gongkai.applications import outbox

        outbox.assigned(application)
    return application


def add_note(application: Application, *, text: str, by: User) -> Note:
    if not text.strip():
        raise DomainError(_("The note is empty."), field="text")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "add_note")
        note = Note.objects.create(application=application, author=by, text=text.strip())
        log_action(application, "applications.note_added", by=by, data={"note": note.pk})
    return note


def set_flags(application: Application, *, by: User, petition: bool, volume: bool) -> Application:
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "set_flags")
        application.is_petition_suspected, application.is_volume_flagged = petition, volume
        _move(application, "flags_set", by=by, data={"petition": petition, "volume": volume})
    return application


def merge(application: Application, *, into: Application, by: User, reason: str = "") -> Application:
    """Merge a second filing of the same request into the first; only the first is counted."""
    if application.pk == into.pk:
        raise DomainError(_("An application cannot be merged into itself."), field="into")
    with transaction.atomic():
        application = _lock(application)
        into = _lock(into)
        MOVES.check(application, by, "merge")
        target = MOVES.target(application, "merge")
        if into.organ_id != application.organ_id:
            raise DomainError(_("Only applications to the same organ can be merged."), field="into")
        if into.is_final or into.merged_into_id:
            raise DomainError(_("The application to merge into is no longer running."), field="into")
        if applicant_key(into) != applicant_key(application):
            raise DomainError(_("Only applications by the same applicant can be merged."), field="into")
        application.merged_into = into
        _move(application, "merged", by=by, reason=reason, target=target, data={"into": into.tracking_number})
        log_action(into, "applications.merged_in", by=by, data={"from": application.tracking_number})
    return application


def split(application: Application, *, parts: list[dict], by: User) -> list[Application]:
    """一事一申请: make a new application (same applicant, same receipt and clock) for each extra part."""
    parts = [p for p in parts if str(p.get("subject") or "").strip()]
    if not parts:
        raise DomainError(_("Give at least one part to split off, with its title."), field="parts")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "split")
        created = []
        copy = {f: getattr(application, f) for f in (
            "applicant_type", "applicant_name", "id_type", "id_number", "contact_person", "phone", "email", "address",
            "postcode", "form_wanted", "delivery_method", "channel", "received_on", "clock_start", "receipt_note",
            "department_id", "corrected_on",
        )}
        for part in parts:
            child = Application(
                organ=application.organ,
                tracking_number=next_tracking_number(application.organ, (application.received_on or _today()).year),
                secret=application.secret,
                status=Status.RECEIVED,
                split_from=application,
                registered_by=by,
                subject=str(part["subject"]).strip()[:300],
                description=str(part.get("description") or "").strip(),
                document_number=str(part.get("document_number") or "").strip()[:100],
                **copy,
            )
            clock.apply(child)
            child.save()
            log_action(child, "applications.split_off", by=by, data={"from": application.tracking_number})
            changes.mark(None, child)
            created.append(child)
        _move(application, "split", by=by, data={"into": [c.tracking_number for c in created]})
    return created



def withdraw(application: Application, *, by: User | None = None, reason: str = "", on: dt.date | None = None) -> Application:
    """The applicant withdraws (撤回申请); counted as 其他处理 3 when it had been received."""
    with transaction.atomic():
        application = _lock(application)
        MOVES.check_open(application, by, "withdraw")
        target = MOVES.target(application, "withdraw")
        day = on or _today()
        if application.received_on is not None:
            application.outcome = Outcome.OTHER
            application.closed_on = day
        _close_open_replies(application, by=by or "applicant", reason=reason)
        _move(application, "withdrawn", by=by or "applicant", reason=reason, target=target)
    return application


def _close_open_replies(application: Application, *, by: User | str, reason: str) -> None:
    """A reply still in sign-off or waiting to be sent stops there: its sign-off is withdrawn, so it no longer
    waits in a leader's tasks."""
    from gongkai.signoff.models import SignoffStatus
    from gongkai.signoff.services import withdraw as withdraw_signoff

    open_states = (ReplyStatus.DRAFT, ReplyStatus.IN_SIGNOFF, ReplyStatus.APPROVED)
    for reply in application.replies.select_for_update(of=("self",)).filter(status__in=open_states).select_related("signoff"):
        if reply.signoff is not None and reply.signoff.status == SignoffStatus.PENDING:
            withdraw_signoff(reply.signoff, by=by, reason=reason or _("the application was withdrawn"))
        reply.status = ReplyStatus.WITHDRAWN
        reply.save(update_fields=["status"])
