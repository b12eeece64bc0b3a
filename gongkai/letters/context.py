"""Placeholder values for a letter from the register's records.

``context_for_application(application, reply=..., fee=..., consultation=...)``
reads the ``gongkai.applications`` models (Application, Reply, Fee,
Consultation) and returns the dict ``render_letter`` needs; pass extra keys
(e.g. ``payment_method``) as keyword arguments, they win.
"""

from __future__ import annotations

from gongkai.applications.fees import compute


def _date(value):
    return value if value is not None else ""


def context_for_application(application, *, reply=None, fee=None, consultation=None, **extra) -> dict:
    context = {
        "applicant": application.applicant_name,
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
            documents=reply.documents_provided,
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
