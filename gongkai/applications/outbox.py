"""What leaves the case: notifications through ``gongkai.notify`` (sent in background jobs after the
transaction commits); the letters (告知书) are made by ``applications.letters``. Services call these inside
their transaction; nothing here changes the application's state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from gongkai.applications.models import Application
from gongkai.organs.models import Membership, Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongkai.accounts.models import User
    from gongkai.applications.models import Fee
    from gongkai.notify.models import Notification
    from gongkai.notify.services import Recipient
    from gongkai.signoff.models import Signoff

# --- notifications (events of gongkai.notify.events) ------------------------------


def _context(application: Application, **extra: Any) -> dict:
    return {
        "tracking_number": application.tracking_number,
        "subject": application.subject,
        "organ": application.organ.name,
        "applicant": application.applicant_name,
        "due_on": application.due_on,
        "received_on": application.received_on,
        **extra,
    }


def reference(application: Application) -> str:
    """How notifications name the case they are about (listed on the staff detail page)."""
    return f"application:{application.pk}"


def _send(recipient: User | Recipient, event: str, application: Application, context: dict, link: str = "",
          **options: Any) -> None:
    from gongkai.notify.services import notify

    notify(recipient, event, context, organ=application.organ, link=link, reference=reference(application), **options)


def _staff_link(application: Application) -> str:
    from django.urls import reverse

    return reverse("applications_ws:detail", args=[application.pk])


def staff(application: Application, *roles: str, department: bool = False) -> list[User]:
    """Active people holding ``roles`` in the application's organ (in its department, if asked and set)."""
    memberships = Membership.objects.active().filter(organ=application.organ, role__in=roles).select_related("user")
    if department and application.department_id:
        memberships = memberships.filter(department_id=application.department_id)
    seen, people = set(), []
    for membership in memberships:
        if membership.user_id not in seen:
            seen.add(membership.user_id)
            people.append(membership.user)
    return people


def _unique(people: Iterable[User | None]) -> list[User]:
    return list({p.pk: p for p in people if p is not None}.values())


def _to_staff(people: Iterable[User | None], event: str, application: Application, **extra: Any) -> None:
    """The same message to each person: written in one INSERT and delivered together."""
    from gongkai.notify.services import notify_all

    people = _unique(people)
    if people:
        notify_all(people, event, _context(application, **extra), organ=application.organ, link=_staff_link(application),
                   reference=reference(application))


def _step(people: Iterable[User | None], application: Application, step: str) -> None:
    """A new step waits: the notices of the step before it are done."""
    from gongkai.notify.services import mark_done

    mark_done(reference(application), events=("step.waiting",))
    _to_staff(people, "step.waiting", application, step=step)


def tasks_done(application: Application) -> int:
    """The case is closed (answered, withdrawn, no longer processed): every staff notice about it is done."""
    from gongkai.notify.services import mark_done

    return mark_done(reference(application))


def applicant(application: Application) -> Recipient:
    """The applicant as a notification recipient (e-mail, phone)."""
    from gongkai.notify.services import Recipient

    return Recipient(name=application.applicant_name, email=application.email, phone=application.phone)


def tell_applicant(
    application: Application, event: str, *, channels: list[str] | None = None, attachment: str = "", attachment_name: str = "",
    more_attachments: list[tuple[str, str]] | None = None, **extra: Any,
) -> None:
    """Tell the applicant; an applicant with no e-mail or phone leaves a visible failed row (told by post)."""
    from django.urls import reverse

    recipient = application.user if application.user_id and not (application.email or application.phone) else applicant(application)
    _send(recipient, event, application, _context(application, **extra), link=reverse("applications_public:case_login"),
          channels=channels, attachment=attachment, attachment_name=attachment_name, more_attachments=more_attachments)


def arrived(application: Application) -> None:
    if application.received_on:
        _to_staff(staff(application, Role.CLERK, Role.DISCLOSURE_OFFICE), "application.new", application)
        tell_applicant(application, "applicant.receipt")
    else:
        _step(staff(application, Role.CLERK, Role.DISCLOSURE_OFFICE), application, _("confirm receipt"))
        submitted(application)


def submitted(application: Application) -> None:
    """The receipt (回执) of an application waiting for the organ to confirm it, by e-mail and SMS, to an applicant
    who gave an address or a phone (one who gave neither has the receipt page only). The secret is never in it:
    messages are kept in the delivery log, which staff read."""
    if application.email or application.phone:
        tell_applicant(application, "applicant.submitted", submitted_at=application.submitted_at)


def receipt_confirmed(application: Application) -> None:
    tell_applicant(application, "applicant.receipt")


def routed(application: Application) -> None:
    _step(staff(application, Role.DEPARTMENT_HEAD, Role.CLERK, department=True), application, _("handle the application"))


def assigned(application: Application) -> None:
    if application.assignee_id:
        _step([application.assignee], application, _("handle the application"))


def corrected(application: Application) -> None:
    people = [application.assignee] if application.assignee_id else staff(application, Role.CLERK, Role.DISCLOSURE_OFFICE)
    _step(people, application, _("the applicant corrected the application"))


def signoff_waiting(application: Application, signoff: Signoff) -> None:
    if signoff.current_role:
        _step(staff(application, signoff.current_role), application,
              _("sign off the reply (%(role)s)") % {"role": Role(signoff.current_role).label})


def reply_approved(application: Application) -> None:
    people = [application.assignee] if application.assignee_id else staff(application, Role.CLERK)
    _step(people, application, _("send the approved reply"))


def reply_returned(application: Application, comment: str) -> None:
    people = [application.assignee] if application.assignee_id else staff(application, Role.CLERK)
    _step(people, application, _("revise the returned reply: %(comment)s") % {"comment": comment})


def correction_requested(application: Application) -> None:
    tell_applicant(application, "applicant.correction", correction_deadline=application.correction_deadline,
                   correction_text=application.correction_text)


def extended(application: Application) -> None:
    tell_applicant(application, "applicant.extension", extension_days=application.extension_days,
                   reason=application.extension_reason)


def fee_charged(application: Application, fee: Fee) -> None:
    tell_applicant(application, "applicant.fee", amount=fee.amount, pay_by=fee.pay_by)


def reply_sent(application: Application, *, via: str) -> None:
    """Tell the applicant the reply is out. Delivery by e-mail is the platform's own e-mail to the applicant
    with the reply letter (PDF) attached — whatever the configured notification channels — retried and
    visible in the delivery log like every message; the other channels carry the usual short notice."""
    from gongkai.applications.models import DeliveryMethod
    from gongkai.notify.services import default_channels

    if via != DeliveryMethod.EMAIL:
        tell_applicant(application, "applicant.reply", via=via)
        return
    letter = application.letters.filter(kind="reply").order_by("-created_at", "-pk").first()
    attachment = (letter.pdf.name or letter.docx.name) if letter is not None else ""
    attachment_name = letter.download_name("pdf" if letter.pdf else "docx") if letter is not None else ""
    tell_applicant(
        application, "applicant.reply_email", channels=["email"], attachment=attachment, attachment_name=attachment_name, via=via
    )
    released_by_email(application)
    others = [c for c in default_channels() if c != "email"]
    if others and application.phone:
        tell_applicant(application, "applicant.reply", channels=others, via=via)


def released_by_email(application: Application) -> None:
    """The files released with the reply, by e-mail: attached while together within
    ``APPLICATIONS_RELEASE_EMAIL_MAX_BYTES``, else the e-mail says they are on the case page (until when)."""
    from django.conf import settings
    from django.utils import timezone

    from gongkai.applications.models import ReleasedFile

    files = list(ReleasedFile.objects.current().filter(application=application, released_at__isnull=False).order_by("added_at", "pk"))
    if not files:
        return
    stored = [f.outgoing() for f in files if not f.is_item]
    lines = [f"{n}. {f.name}" if f.is_item else f"{n}. {f.outgoing()[1]}" for n, f in enumerate(files, start=1)]
    until = timezone.localtime(files[0].available_until).date()
    fits = sum(size for _field, _name, _sha, size in stored) <= int(settings.APPLICATIONS_RELEASE_EMAIL_MAX_BYTES)
    if fits:
        how = _("The files are attached; they can also be downloaded on your case page until %(day)s.") % {"day": until}
        attached = [(field.name, name) for field, name, _sha, _size in stored]
    else:
        how = _("The files are too large to attach; download them on your case page until %(day)s.") % {"day": until}
        attached = []
    tell_applicant(application, "applicant.released_files", channels=["email"], more_attachments=attached,
                   files="\n".join(lines), how=how)


def messages_about(application: Application) -> QuerySet[Notification]:
    """Every notification about the case (to staff and to the applicant), newest first."""
    from gongkai.notify.models import Notification

    return Notification.objects.filter(reference=reference(application))


def closed_without_reply(application: Application) -> None:
    """No correction or no payment in time: the letter saying the application is no longer processed
    (其他处理 1 / 2) is kept with the case and the applicant is told."""
    from gongkai.applications.letters import make_letter
    from gongkai.applications.models import LetterKind

    make_letter(application, LetterKind.REPLY, extra={"outcome": application.outcome})
    tell_applicant(application, "applicant.closed", outcome=application.get_outcome_display())


def deadline_ahead(application: Application, days: int) -> None:
    people = [application.assignee] if application.assignee_id else staff(application, Role.CLERK, department=True)
    people += staff(application, Role.DEPARTMENT_HEAD, department=True)
    _to_staff(people, "deadline.approaching", application, days=days)


def overdue(application: Application) -> None:
    people = staff(application, Role.DISCLOSURE_OFFICE)
    if application.assignee_id:
        people.append(application.assignee)
    handler = application.assignee.get_full_name() if application.assignee_id else _("nobody assigned")
    _to_staff(people, "deadline.overdue", application, handler=handler)
