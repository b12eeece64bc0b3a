"""The waits of a case: correction (补正), consultation (征求意见), extension (延期) and fee (信息处理费)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications import clock, letters
from gongkai.applications.models import (
    Application,
    AttachmentPurpose,
    Consultation,
    ConsultationAnswer,
    ConsultationKind,
    Fee,
    FeeScheme,
    FeeStatus,
    LetterKind,
    Status,
)
from gongkai.applications.services._base import _lock, _move, _today
from gongkai.applications.services.intake import _check_files, _store_files, applicant_key
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.workflow import MOVES
from gongkai.core.errors import DomainError, InvalidTransition

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files import File

    from gongkai.accounts.models import User


def request_correction(application: Application, *, by: User, text: str, respond_within_days: int = 10) -> Application:
    if not text.strip():
        raise DomainError(_("Say what the applicant must correct."), field="text")
    if not 1 <= respond_within_days <= 30:
        raise DomainError(_("Give the applicant between 1 and 30 working days to correct."), field="respond_within_days")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "request_correction")
        target = MOVES.target(application, "request_correction")
        if application.correction_requested_on is not None:
            raise InvalidTransition(_("A correction may be requested only once (Art. 30)."))
        today = _today()
        if application.correction_notice_due_on and today > application.correction_notice_due_on:
            raise InvalidTransition(
                _("The correction notice had to be sent by %(day)s (7 working days after receipt).")
                % {"day": application.correction_notice_due_on.isoformat()}
            )
        application.correction_requested_on = today
        application.correction_text = text.strip()
        application.correction_deadline = clock.current().add_working_days(today, respond_within_days).due
        _move(application, "correction_requested", by=by, target=target, data={"deadline": application.correction_deadline.isoformat()})
        from gongkai.applications import outbox

        letters.make_letter(application, LetterKind.CORRECTION, by=by)
        outbox.correction_requested(application)
    return application


def submit_correction(application: Application, *, text: str, attachments: Iterable[File] = (), by: User | None = None,
                      on: dt.date | None = None) -> Application:
    """The applicant's correction; the 20 working days restart from the day it is received."""
    if not text.strip() and not attachments:
        raise DomainError(_("Write the correction or attach a file."), field="text")
    checked = _check_files(attachments)
    with transaction.atomic():
        application = _lock(application)
        MOVES.check_open(application, by, "submit_correction")
        target = MOVES.target(application, "submit_correction")
        day = on or _today()
        if application.correction_deadline and day > application.correction_deadline:
            raise InvalidTransition(
                _("The correction was due by %(day)s; it can no longer be submitted online. Contact the organ.")
                % {"day": application.correction_deadline.isoformat()}
            )
        if day > _today() or (application.correction_requested_on and day < application.correction_requested_on):
            raise DomainError(_("The correction is received between the day it was requested and today."), field="on")
        application.corrected_on = application.clock_start = day
        application.correction_response = text.strip()
        _store_files(application, checked, AttachmentPurpose.CORRECTION)
        _move(application, "corrected", by=by or "applicant", target=target, data={"corrected_on": day.isoformat()})
        from gongkai.applications import outbox

        outbox.corrected(application)
    return application


def close_uncorrected(application: Application, *, by: User | None = None, today: dt.date | None = None) -> Application:
    """No correction in time: the application is given up (其他处理 1)."""
    with transaction.atomic():
        application = _lock(application)
        MOVES.check_open(application, by, "close_uncorrected")
        target = MOVES.target(application, "close_uncorrected")
        today = today or _today()
        if application.correction_deadline is None or today <= application.correction_deadline:
            raise InvalidTransition(_("The applicant still has time to correct."))
        application.outcome = Outcome.OTHER_NO_CORRECTION
        application.closed_on = today
        _move(application, "closed_uncorrected", by=by, target=target)
        from gongkai.applications import outbox

        outbox.closed_without_reply(application)
    return application


# --- consultation (Art. 32, 34) ---------------------------------------------------------


def start_consultation(application: Application, *, kind: str, party: str, question: str = "", by: User, sent_on: dt.date | None = None) -> Consultation:
    if kind not in ConsultationKind.values:
        raise DomainError(_("Choose third party or other agency."), field="kind")
    if not party.strip():
        raise DomainError(_("Name the party consulted."), field="party")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "start_consultation")
        target = MOVES.target(application, "start_consultation")
        day = sent_on or _today()
        if day > _today() or day < (application.clock_start or application.received_on):
            raise DomainError(_("The consultation is sent between the date of receipt and today."), field="sent_on")
        consultation = Consultation.objects.create(
            application=application, kind=kind, party=party.strip()[:200], question=question.strip(), sent_on=day,
            answer_due_on=clock.consultation_due(day).due, created_by=by,
        )
        _move(application, "consultation_started", by=by, target=target, data={"consultation": consultation.pk, "party": party})
        if kind == ConsultationKind.THIRD_PARTY:

            letters.make_letter(application, LetterKind.THIRD_PARTY, by=by, extra={"consultation": consultation}, for_applicant=False)
    return consultation


def answer_consultation(consultation: Consultation, *, answer: str, text: str = "", by: User, answered_on: dt.date | None = None) -> Consultation:
    """Record the answer (or the silence after 15 working days: decide anyway)."""
    if answer not in (ConsultationAnswer.AGREES, ConsultationAnswer.OBJECTS, ConsultationAnswer.SILENT):
        raise DomainError(_("Choose the answer."), field="answer")
    with transaction.atomic():
        application = _lock(consultation.application)
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        MOVES.check(application, by, "answer_consultation")
        if consultation.answer != ConsultationAnswer.PENDING:
            raise InvalidTransition(_("This consultation has already been answered."))
        day = answered_on or _today()
        if day > _today() or day < consultation.sent_on:
            raise DomainError(_("The answer date is between the day the consultation was sent and today."), field="answered_on")
        if answer == ConsultationAnswer.SILENT and day <= consultation.answer_due_on:
            raise InvalidTransition(
                _("The consulted party has until %(day)s to answer.") % {"day": consultation.answer_due_on.isoformat()}
            )
        consultation.answer, consultation.answer_text = answer, text.strip()
        consultation.answered_on = min(day, consultation.answer_due_on) if answer == ConsultationAnswer.SILENT else day
        consultation.save()
        still_open = application.consultations.filter(answer=ConsultationAnswer.PENDING).exists()
        _move(
            application, "consultation_answered", by=by,
            target=Status.CONSULTING if still_open else Status.IN_PROGRESS,
            data={"consultation": consultation.pk, "answer": answer},
        )
    return consultation


# --- extension (Art. 33) -----------------------------------------------------------------


def extend(application: Application, *, days: int, reason: str, by: User) -> Application:
    """Extend by at most 20 working days, approved by the head of the disclosure office, with a notice."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension; the applicant is told."), field="reason")
    if not 1 <= days <= clock.MAX_EXTENSION_DAYS:
        raise DomainError(_("An extension is 1 to 20 working days (Art. 33)."), field="days")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "extend")
        if application.extension_days:
            raise InvalidTransition(_("This application has already been extended."))
        if application.due_on and _today() > application.due_on:
            raise InvalidTransition(_("The deadline has passed; an extension must be decided before it."))
        application.extension_days = days
        application.extension_reason = reason.strip()
        application.extension_approved_by = by
        application.extended_on = _today()
        _move(application, "extended", by=by, reason=reason, data={"days": days})
        from gongkai.applications import outbox

        letters.make_letter(application, LetterKind.EXTENSION, by=by)
        outbox.extended(application)
    return application


# --- fees (信息处理费) ---------------------------------------------------------------------


def charge_fee(application: Application, *, scheme: str, by: User, pages: int | None = None) -> Fee:
    from gongkai.applications import fees

    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "charge_fee")
        target = MOVES.target(application, "charge_fee")
        if Fee.objects.filter(application=application).exists():
            raise InvalidTransition(_("A fee has already been charged for this application (one scheme per application)."))
        if scheme == FeeScheme.PER_PAGE:
            if not pages or pages < 1:
                raise DomainError(_("Give the number of pages."), field="pages")
            quantity = int(pages)
        elif scheme == FeeScheme.PER_APPLICATION:
            quantity = month_position(application)
        else:
            raise DomainError(_("Choose a fee scheme."), field="scheme")
        computed = fees.compute(scheme, quantity)
        if computed.is_free:
            raise DomainError(
                _("Under this scheme the application is free of charge: %(why)s") % {"why": computed.explanation()}, field="scheme"
            )
        today = _today()
        fee = Fee.objects.create(
            application=application, scheme=scheme, quantity=quantity, amount=computed.amount,
            explanation=computed.as_dict(), notified_on=today, pay_by=fees.payment_due(today).due, created_by=by,
        )
        application.fee = fee
        _move(application, "fee_charged", by=by, target=target, data={"amount": str(fee.amount), "scheme": scheme})
        from gongkai.applications import outbox

        letters.make_letter(application, LetterKind.FEE, by=by)
        outbox.fee_charged(application, fee)
    return fee


def month_position(application: Application) -> int:
    """The application's position among the applicant's applications to this
    organ received in the same calendar month (按件计收 counts per applicant per month)."""
    day = application.received_on or _today()
    same_month = Application.objects.reportable().filter(
        organ=application.organ, id_number_bidx=applicant_key(application),
        received_on__year=day.year, received_on__month=day.month,
    )
    earlier = same_month.filter(received_on__lt=day).count() + same_month.filter(received_on=day, pk__lt=application.pk).count()
    return earlier + 1


def record_payment(application: Application, *, by: User, paid_on: dt.date | None = None, reference: str = "") -> Fee:
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "record_payment")
        target = MOVES.target(application, "record_payment")
        fee = Fee.objects.select_for_update().get(application=application)
        day = paid_on or _today()
        if day > fee.pay_by:
            raise InvalidTransition(_("The fee was due by %(day)s.") % {"day": fee.pay_by.isoformat()})
        if day > _today() or day < fee.notified_on:
            raise DomainError(_("The payment date is between the day of the fee notice and today."), field="paid_on")
        fee.paid_on, fee.payment_reference, fee.status = day, reference.strip()[:100], FeeStatus.PAID
        fee.save()
        _move(application, "fee_paid", by=by, target=target, data={"paid_on": day.isoformat()})
    return fee


def close_unpaid(application: Application, *, by: User | None = None, today: dt.date | None = None) -> Application:
    """Fee not paid in time: the application is given up (其他处理 2)."""
    with transaction.atomic():
        application = _lock(application)
        MOVES.check_open(application, by, "close_unpaid")
        target = MOVES.target(application, "close_unpaid")
        fee = Fee.objects.select_for_update().get(application=application)
        today = today or _today()
        if today <= fee.pay_by:
            raise InvalidTransition(_("The applicant still has time to pay."))
        fee.status = FeeStatus.UNPAID
        fee.save()
        application.outcome = Outcome.OTHER_UNPAID_FEE
        application.closed_on = today
        _move(application, "closed_unpaid", by=by, target=target)
        from gongkai.applications import outbox

        outbox.closed_without_reply(application)
    return application
