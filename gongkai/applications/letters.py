"""The letters (告知书) of a case: their placeholder values from the register's records, rendered by
``gongkai.letters`` and kept with the case (``CaseLetter``).

``context_for_application(application, reply=..., fee=..., consultation=...)`` returns the dict
``render_letter`` needs; extra keys (e.g. ``payment_method``) passed as keyword arguments win.
``make_letter`` renders the organ's letter for a step and stores it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.fees import compute
from gongkai.applications.models import Application, CaseLetter
from gongkai.applications.taxonomy import ApplicantType
from gongkai.letters.numbering import take_number
from gongkai.letters.rendering import render_letter

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.applications.models import Consultation, Fee, Reply


def _with_files(documents: str, files: list[dict]) -> str:
    """The documents provided, followed by the list of files released with the reply as signed off (name and
    SHA-256): what a postal or in-person delivery hands over."""
    if not files:
        return documents
    lines = []
    for n, entry in enumerate(files, start=1):
        if entry.get("item"):
            lines.append(f"{n}. {entry['name']}（已主动公开的政府信息）")
        else:
            copy = entry.get("redacted") or entry
            lines.append(f"{n}. {copy['name']}（SHA-256：{copy['sha256']}）")
    return (documents + "\n" if documents else "") + "随复函提供的信息：\n" + "\n".join(lines)


def _date(value: dt.date | None) -> object:  # a date, or "" for none
    return value if value is not None else ""


def addressed_as(application: Application) -> str:
    """您 to a person, 贵单位 to an organisation (never the template's 您（单位）)."""
    return "您" if application.applicant_type == ApplicantType.NATURAL_PERSON else "贵单位"


def context_for_application(application: Application, *, reply: Reply | None = None, fee: Fee | None = None,
                            consultation: Consultation | None = None, **extra: Any) -> dict:
    context = {
        "applicant": application.applicant_name,
        "you": addressed_as(application),
        "tracking_number": application.tracking_number,
        "received_on": _date(application.received_on),
        "due_on": _date(application.due_on),
        "subject": application.subject,
        "correction_text": application.correction_text,
        "correction_deadline": _date(application.correction_deadline),
        "correction_requested_on": _date(application.correction_requested_on),
        "extension_days": application.extension_days or "",
        "extension_reason": application.extension_reason,
        "decision": "",
        "legal_basis": "",
        "documents": "",
        "other_organ": "",
    }
    if reply is not None:
        context.update(
            decision=reply.body,
            legal_basis=reply.legal_basis,
            documents=_with_files(reply.documents_provided, reply.files_manifest),
            other_organ=(f"负责公开该政府信息的机关为：{reply.other_organ}。" if reply.other_organ else ""),
        )
    if fee is not None:
        result = compute(fee.scheme, fee.quantity)
        context.update(
            fee_scheme=fee.get_scheme_display(),
            fee_amount=fee.amount,
            fee_explanation=result.explanation(),
            pay_by=_date(fee.pay_by),
        )
    if consultation is not None:
        context.update(
            third_party=consultation.party,
            consultation_question=consultation.question or application.subject,
            answer_due_on=_date(consultation.answer_due_on),
        )
    context.update(extra)
    return context


# Letter kinds of gongkai.letters: the procedural letters and ``reply.<outcome>``.
PROCEDURAL_KINDS = {"receipt", "correction", "extension", "third_party", "fee"}


def letter_kind(kind: str, outcome: str = "") -> str:
    return f"reply.{outcome}" if kind == "reply" else kind


def letter_context(application: Application, *, extra: dict | None = None) -> dict:
    """The placeholder values for this case and step."""
    extra = dict(extra or {})
    fee = _fee(application)
    payment = str(getattr(settings, "APPLICATIONS_PAYMENT_METHOD", "") or "")
    if not payment:
        payment = _("at the disclosure office: %(address)s") % {"address": application.organ.address or application.organ.name}
    return context_for_application(
        application, reply=extra.pop("reply", None), fee=fee, consultation=extra.pop("consultation", None),
        payment_method=payment, **extra,
    )


def _fee(application: Application) -> Fee | None:
    from gongkai.applications.models import Fee

    return Fee.objects.filter(application=application).first() if application.pk else None


def make_letter(application: Application, kind: str, *, by: User | None = None, extra: dict | None = None,
                for_applicant: bool = True) -> CaseLetter:
    """Render the organ's letter for this step, numbered (文号, per organ and year, gap-free), and keep it with the case."""
    reply = (extra or {}).get("reply")
    outcome = reply.outcome if reply is not None else (extra or {}).get("outcome", application.outcome)
    context = letter_context(application, extra=extra)
    template = letter_kind(kind, outcome)
    with transaction.atomic():
        number = take_number(application.organ, on=timezone.localdate())
        context.setdefault("letter_number", number)
        docx, pdf, text = render_letter(template, organ=application.organ, context=context)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
        base = f"{application.tracking_number}-{kind}-{stamp}"
        letter = CaseLetter(
            application=application, kind=kind, letter_kind=template, text=text, for_applicant=for_applicant, name=base,
            number=number, created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        letter.docx.save(f"{base}.docx", ContentFile(docx), save=False)
        if pdf:
            letter.pdf.save(f"{base}.pdf", ContentFile(pdf), save=False)
        letter.save()
    return letter
