"""The case page's actions: one list, each action its input form, its move of the table and its one service.

The workspace's ``action`` view looks the action up here, parses the POST with its form (a form not filled
in becomes a ``DomainError`` naming the field) and calls ``run``, which returns the message shown after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from gongkai.applications import forms, services
from gongkai.applications.models import Appeal, Application, Consultation, ReleasedFile, Reply
from gongkai.applications.services import released


@dataclass(frozen=True)
class Action:
    form: type[forms.ActionForm]
    verb: str | None  # the move of ``workflow.MOVES`` (None: the sign-off chain's or the appeals' table)
    run: Callable[[Application, Any, dict, Any], str]  # (application, user, cleaned data, files) → message


ACTIONS: dict[str, Action] = {}


def action(name: str, form: type[forms.ActionForm], verb: str | None = None) -> Callable:
    def register(run: Callable[[Application, Any, dict, Any], str]) -> Callable:
        ACTIONS[name] = Action(form, verb, run)
        return run

    return register


@action("confirm", forms.ConfirmForm, "confirm_receipt")
def _confirm(application, user, data, files) -> str:
    services.confirm_receipt(application, by=user, received_on=data["received_on"])
    return _("Receipt confirmed; the clock runs from the date of receipt.")


@action("spam", forms.ReasonForm, "mark_spam")
def _spam(application, user, data, files) -> str:
    services.mark_spam(application, by=user, reason=data["reason"])
    return _("Marked as not an application.")


@action("route", forms.RouteForm, "route")
def _route(application, user, data, files) -> str:
    services.route(application, department=data["department"], by=user)
    return _("Routed to %(department)s.") % {"department": data["department"].name}


@action("claim", forms.NoInput, "claim")
def _claim(application, user, data, files) -> str:
    services.claim(application, by=user)
    return _("You handle this application now.")


@action("assign", forms.AssignForm, "assign")
def _assign(application, user, data, files) -> str:
    services.assign(application, to=data["assignee"], by=user)
    return _("Assigned.")


@action("note", forms.TextForm, "add_note")
def _note(application, user, data, files) -> str:
    services.add_note(application, text=data["text"], by=user)
    return _("Note added.")


@action("correction", forms.CorrectionRequestForm, "request_correction")
def _correction(application, user, data, files) -> str:
    services.request_correction(application, by=user, text=data["text"], respond_within_days=data["respond_within_days"])
    return _("Correction notice generated; the applicant is told.")


@action("corrected", forms.CorrectedForm, "submit_correction")
def _corrected(application, user, data, files) -> str:
    services.submit_correction(application, text=data["text"], attachments=files.getlist("attachments"), by=user, on=data["on"])
    return _("Correction recorded; the 20 working days restart from the day it was received.")


@action("close_uncorrected", forms.NoInput, "close_uncorrected")
def _close_uncorrected(application, user, data, files) -> str:
    services.close_uncorrected(application, by=user)
    return _("Closed: no correction in time (other handling 1); the applicant is told.")


@action("close_unpaid", forms.NoInput, "close_unpaid")
def _close_unpaid(application, user, data, files) -> str:
    services.close_unpaid(application, by=user)
    return _("Closed: fee not paid in time (other handling 2); the applicant is told.")


@action("consult", forms.ConsultActionForm, "start_consultation")
def _consult(application, user, data, files) -> str:
    services.start_consultation(application, kind=data["kind"], party=data["party"], question=data["question"], by=user)
    return _("Consultation started; its time does not count toward the deadline.")


@action("answer", forms.AnswerForm, "answer_consultation")
def _answer(application, user, data, files) -> str:
    consultation = get_object_or_404(Consultation, pk=data["consultation"] or 0, application=application)
    services.answer_consultation(consultation, answer=data["answer"], text=data["text"], by=user)
    return _("Answer recorded.")


@action("extend", forms.ExtendForm, "extend")
def _extend(application, user, data, files) -> str:
    services.extend(application, days=data["days"], reason=data["reason"], by=user)
    return _("Extended; the extension notice is generated and the applicant told.")


@action("fee", forms.FeeForm, "charge_fee")
def _fee(application, user, data, files) -> str:
    services.charge_fee(application, scheme=data["scheme"], pages=data["pages"], by=user)
    return _("Fee notice generated; the applicant is told.")


@action("payment", forms.PaymentForm, "record_payment")
def _payment(application, user, data, files) -> str:
    services.record_payment(application, by=user, paid_on=data["paid_on"], reference=data["reference"])
    return _("Payment recorded.")


@action("draft", forms.DraftForm, "draft_reply")
def _draft(application, user, data, files) -> str:
    services.draft_reply(application, by=user, **data)
    return _("Draft reply saved.")


@action("submit", forms.SubmitReplyForm, "submit_reply")
def _submit(application, user, data, files) -> str:
    reply = get_object_or_404(Reply, pk=data["reply"] or 0, application=application)
    services.submit_reply(reply, by=user, important=data["important"])
    return _("The reply is in sign-off.")


@action("decide", forms.DecideForm)
def _decide(application, user, data, files) -> str:
    reply = get_object_or_404(Reply, pk=data["reply"] or 0, application=application)
    services.decide_reply(reply, by=user, decision=data["decision"], comment=data["comment"])
    return _("Decision recorded.")


@action("deliver", forms.DeliverForm, "record_delivery")
def _deliver(application, user, data, files) -> str:
    services.record_delivery(application, via=data["via"], by=user, delivered_on=data["delivered_on"], reference=data["reference"])
    return _("Delivery recorded; the application is closed.")


@action("release_file", forms.ReleasedFileForm, "edit_released_files")
def _release_file(application, user, data, files) -> str:
    added = released.add_file(application, uploaded=files.get("file"), by=user, needs_redaction=data["needs_redaction"])
    return _("“%(name)s” will be released with the reply once it has been checked.") % {"name": added.name}


@action("release_redacted", forms.RedactedCopyForm, "edit_released_files")
def _release_redacted(application, user, data, files) -> str:
    target = get_object_or_404(ReleasedFile, pk=data["released"] or 0, application=application)
    released.add_redacted_copy(target, uploaded=files.get("redacted"), by=user)
    return _("The redacted copy of “%(name)s” is released in its place.") % {"name": target.name}


@action("release_item", forms.PickItemForm, "edit_released_files")
def _release_item(application, user, data, files) -> str:
    added = released.pick_item(application, reference=data["item"], by=user)
    return _("“%(name)s” is included with the reply.") % {"name": added.name}


@action("release_remove", forms.RemoveReleasedForm, "edit_released_files")
def _release_remove(application, user, data, files) -> str:
    target = get_object_or_404(ReleasedFile, pk=data["released"] or 0, application=application)
    released.remove_file(target, by=user, reason=data["reason"])
    return _("“%(name)s” was removed from the reply.") % {"name": target.name}


@action("release_resolve", forms.ResolveFileFindingForm, "resolve_file_finding")
def _release_resolve(application, user, data, files) -> str:
    from django.contrib.contenttypes.models import ContentType

    from gongkai.sensitive.models import Finding

    ids = [str(pk) for pk in ReleasedFile.objects.filter(application=application).values_list("pk", flat=True)]
    finding = get_object_or_404(Finding, pk=data["finding"] or 0, subject_type=ContentType.objects.get_for_model(ReleasedFile),
                                subject_id__in=ids)
    released.resolve_finding(finding, by=user, resolution=data["resolution"], note=data["note"])
    return _("Finding resolved.")


@action("withdraw", forms.ReasonForm, "withdraw")
def _withdraw(application, user, data, files) -> str:
    services.withdraw(application, by=user, reason=data["reason"])
    return _("Withdrawal recorded.")


@action("merge", forms.MergeForm, "merge")
def _merge(application, user, data, files) -> str:
    services.merge(application, into=data["into"], by=user, reason=data["reason"])
    return _("Merged.")


@action("split", forms.SplitForm, "split")
def _split(application, user, data, files) -> str:
    created = services.split(application, parts=data["parts"], by=user)
    return _("Split into: %(numbers)s") % {"numbers": "、".join(c.tracking_number for c in created)}


@action("flags", forms.FlagsForm, "set_flags")
def _flags(application, user, data, files) -> str:
    services.set_flags(application, by=user, petition=data["petition"], volume=data["volume"])
    return _("Flags saved.")


@action("appeal", forms.AppealActionForm)
def _appeal(application, user, data, files) -> str:
    services.record_appeal(organ=application.organ, application=application, by=user, **data)
    return _("Appeal recorded.")


@action("appeal_decide", forms.AppealDecideActionForm)
def _appeal_decide(application, user, data, files) -> str:
    appeal = get_object_or_404(Appeal, pk=data.pop("appeal") or 0, application=application)
    services.decide_appeal(appeal, by=user, **data)
    return _("Result recorded.")


# The case page's buttons and the table's moves, by action.
ACTION_VERBS = {name: a.verb for name, a in ACTIONS.items() if a.verb} | {"decide": "approve_reply"}
