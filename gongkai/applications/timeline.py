"""The applicant's view of a case (申请进度): the steps of its audit trail an applicant may see, each with its date,
and the reply deadline told in plain sentences from the case's own facts.

Only the steps named in ``PUBLIC_STEPS`` are shown, with wording written for the applicant. Internal work — claims,
assignments, notes, flags, drafts, sign-off steps, downloads, reads of personal data — is never listed, and no
step carries a person's name, a reason typed by staff or a consulted party's name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gongkai.applications.models import Application, DeliveryMethod
from gongkai.applications.states import Status
from gongkai.core.models import AuditEvent
from gongkai.workdays.calendar import PROVISIONAL_WARNING

# audit action → what the applicant reads for it
PUBLIC_STEPS = {
    "applications.submitted": gettext_lazy("Application filed"),
    "applications.split_off": gettext_lazy("Registered as a separate application (one matter per application)"),
    "applications.receipt_confirmed": gettext_lazy("The organ confirmed it received the application"),
    "applications.routed": gettext_lazy("Passed to the responsible department"),
    "applications.correction_requested": gettext_lazy("The organ asked for a correction"),
    "applications.corrected": gettext_lazy("Corrected application received"),
    "applications.closed_uncorrected": gettext_lazy("No longer processed: no correction in time"),
    "applications.consultation_started": gettext_lazy("Opinion of a third party or another organ requested"),
    "applications.consultation_answered": gettext_lazy("Opinion received"),
    "applications.extended": gettext_lazy("Time limit extended"),
    "applications.fee_charged": gettext_lazy("Fee notice sent"),
    "applications.fee_paid": gettext_lazy("Fee paid"),
    "applications.closed_unpaid": gettext_lazy("No longer processed: fee not paid in time"),
    "applications.reply_sent": gettext_lazy("Reply delivered"),
    "applications.withdrawn": gettext_lazy("Withdrawn"),
    "applications.merged": gettext_lazy("Handled together with another application"),
    "applications.deadline_recomputed": gettext_lazy("Deadline recomputed after a change of the working-day calendar"),
}


@dataclass(frozen=True)
class Step:
    day: dt.date
    title: str
    detail: str = ""


def _day(value: dt.date | str | None) -> str:
    """A date as the reader's language writes it (2026年12月7日)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return date_format(value, "DATE_FORMAT")


def _detail(application: Application, action: str, data: dict) -> str:
    """The facts of a step the applicant may read (dates, days, the way of delivery), from the audit row's data."""
    if action == "applications.receipt_confirmed" and data.get("received_on"):
        return _("Date of receipt: %(day)s.") % {"day": _day(data["received_on"])}
    if action == "applications.submitted" and data.get("received_on"):
        return _("Date of receipt: %(day)s.") % {"day": _day(data["received_on"])}
    if action == "applications.correction_requested" and data.get("deadline"):
        return _("Please correct by %(day)s.") % {"day": _day(data["deadline"])}
    if action == "applications.corrected" and data.get("corrected_on"):
        return _("Received on %(day)s; the 20 working days are counted again from that day.") % {
            "day": _day(data["corrected_on"])}
    if action == "applications.extended" and data.get("days"):
        return ngettext("By %(n)s working day.", "By %(n)s working days.", int(data["days"])) % {"n": data["days"]}
    if action == "applications.fee_charged" and data.get("amount"):
        return _("%(amount)s yuan.") % {"amount": data["amount"]}
    if action == "applications.reply_sent" and data.get("via"):
        return str(dict(DeliveryMethod.choices).get(data["via"], ""))
    if action == "applications.merged" and data.get("into"):
        return _("Application %(number)s.") % {"number": data["into"]}
    if action == "applications.deadline_recomputed" and data.get("new_due_on"):
        return _("Reply now due by %(day)s.") % {"day": _day(data["new_due_on"])}
    return ""


def steps(application: Application) -> list[Step]:
    """Every applicant-visible step of the case, oldest first."""
    events = (AuditEvent.objects
              .filter(target_type=ContentType.objects.get_for_model(Application), target_id=str(application.pk),
                      action__in=list(PUBLIC_STEPS))
              .order_by("at", "id").values_list("at", "action", "data"))
    found = []
    for at, action, data in events:
        found.append(Step(timezone.localtime(at).date(), str(PUBLIC_STEPS[action]), _detail(application, action, data or {})))
    return found


def deadline_sentences(application: Application) -> list[str]:
    """The reply deadline in plain words, from the case's facts: the 20 working days and where they count from,
    a restart after a correction, an extension, the periods not counted, and the date that follows."""
    if application.received_on is None:
        if application.status == Status.AWAITING_CONFIRMATION:
            return [_("The legal time limit is 20 working days. It starts once the organ confirms it received your "
                      "application: that day is the date of receipt (Art. 31).")]
        return []
    explanation = application.due_explanation or {}
    reply = explanation.get("reply") or {}
    lines = [_("The legal time limit is 20 working days, counted from the date of receipt (%(day)s): that day itself "
               "is not counted, day 1 is the next working day, and weekends and public holidays are not counted "
               "(Art. 33).") % {"day": _day(application.received_on)}]
    if explanation.get("restarted_after_correction") and application.corrected_on:
        lines.append(_("Your corrected application was received on %(day)s, so the 20 working days were counted again "
                       "from that day; the time spent on the correction is not counted (Art. 30).")
                     % {"day": _day(application.corrected_on)})
    if application.status == Status.CORRECTION_REQUESTED:
        lines.append(_("On %(asked)s the organ asked you to correct your application, by %(by)s. The time spent on the "
                       "correction is not counted: the 20 working days start again from the day the organ receives "
                       "your corrected application (Art. 30).")
                     % {"asked": _day(application.correction_requested_on), "by": _day(application.correction_deadline)})
        return lines
    if application.extension_days:
        lines.append(ngettext(
            "On %(day)s the organ extended the time limit by %(n)s working day (Art. 33 allows at most 20).",
            "On %(day)s the organ extended the time limit by %(n)s working days (Art. 33 allows at most 20).",
            application.extension_days,
        ) % {"day": _day(application.extended_on), "n": application.extension_days})
    for period in reply.get("excluded", []):
        values = {"start": _day(period["start"]), "end": _day(period["end"]), "n": period["working_days"]}
        if period.get("reason") == "fee":
            lines.append(ngettext(
                "From %(start)s to %(end)s the information-processing fee was awaited: %(n)s working day not counted.",
                "From %(start)s to %(end)s the information-processing fee was awaited: %(n)s working days not counted.",
                period["working_days"]) % values)
        else:
            lines.append(ngettext(
                "From %(start)s to %(end)s the opinion of a third party or another organ was awaited: %(n)s working "
                "day not counted (Art. 32, 34).",
                "From %(start)s to %(end)s the opinion of a third party or another organ was awaited: %(n)s working "
                "days not counted (Art. 32, 34).",
                period["working_days"]) % values)
    if application.due_on is None:
        return lines
    if application.status == Status.CLOSED and application.closed_on:
        if application.closed_on <= application.due_on:
            lines.append(_("The reply was due by %(due)s; the organ answered on %(closed)s, within the time limit.")
                         % {"due": _day(application.due_on), "closed": _day(application.closed_on)})
        else:
            lines.append(_("The reply was due by %(due)s; the organ answered on %(closed)s, after the time limit.")
                         % {"due": _day(application.due_on), "closed": _day(application.closed_on)})
    elif application.is_running:
        lines.append(_("Your reply is therefore due by %(due)s.") % {"due": _day(application.due_on)})
        if explanation.get("provisional"):
            lines.append(str(PROVISIONAL_WARNING))
    return lines
