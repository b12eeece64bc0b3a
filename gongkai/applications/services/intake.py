"""Intake (受理): the particulars of an application, its files, its tracking number, the flags for the handler,
the organ confirming receipt (Art. 29–31)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.applications import changes, clock
from gongkai.applications.models import (
    CONFIRMED_CHANNELS,
    Application,
    ApplicationAttachment,
    AttachmentPurpose,
    Channel,
    DeliveryMethod,
    IdType,
    Status,
    TrackingCounter,
)
from gongkai.applications.services._base import _lock, _move, _today
from gongkai.applications.taxonomy import ApplicantType
from gongkai.applications.validators import validate_credit_code, validate_resident_id
from gongkai.applications.workflow import MOVES, NEW
from gongkai.core import crypto, virus_scan
from gongkai.core.audit import log_action
from gongkai.core.contacts import is_phone, is_postcode
from gongkai.core.errors import DomainError
from gongkai.core.models import FileCheck
from gongkai.core.tasks import enqueue
from gongkai.core.uploads import APPLICATION_ATTACHMENT, check_upload, max_bytes_for
from gongkai.organs import serials
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser
    from django.core.files import File
    from django.db.models import QuerySet

    from gongkai.accounts.models import User
    from gongkai.applications.models import ApiChannel

PETITION_WORDS = ("信访", "举报", "投诉", "上访", "控告", "检举", "申诉")
DUPLICATE_SIMILARITY = 0.6


# --- secrets and numbers ---------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(application: Application | None, secret: str) -> bool:
    """Constant-time comparison; an unknown application costs the same."""
    stored = application.secret if application is not None else "0" * 64
    result = hmac.compare_digest(stored, hash_secret(secret or ""))
    return result and application is not None


def next_tracking_number(organ: Organ, year: int) -> str:
    """Take the next serial of the organ's year (``organs.serials``, the one counter mechanism). Call it inside the
    transaction that saves the application, as late as possible: the counter row stays locked until that transaction
    ends, so numbers are unique and consecutive (a rolled-back submission gives its number back)."""
    return f"{organ.code}-{year}-{serials.take(TrackingCounter, organ.pk, year):06d}"


# --- intake ----------------------------------------------------------------------

DESCRIPTION_LIMIT = 5000  # characters: a description of the information sought, not the documents themselves
PURPOSE_LIMIT = 1000

REQUIRED_FIELDS = {
    "applicant_type": gettext_lazy("applicant type"),
    "applicant_name": gettext_lazy("name"),
    "id_type": gettext_lazy("identity document"),
    "id_number": gettext_lazy("document number"),
    "subject": gettext_lazy("information sought"),
    "form_wanted": gettext_lazy("form wanted"),
    "delivery_method": gettext_lazy("delivery wanted"),
}
TEXT_FIELDS = (
    "applicant_name", "id_number", "contact_person", "phone", "email", "address", "postcode",
    "subject", "document_number", "description", "purpose", "external_reference",
)


@dataclass
class Submitted:
    application: Application
    secret: str
    created: bool = True


def clean_applicant_data(data: dict) -> dict:
    """Validate the Art. 29 particulars; DomainError names the first field at fault."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    clean = {k: (str(data.get(k) or "").strip()) for k in TEXT_FIELDS}
    for key in ("applicant_type", "id_type", "form_wanted", "delivery_method"):
        clean[key] = str(data.get(key) or "").strip()
    for key, label in REQUIRED_FIELDS.items():
        if not clean[key]:
            raise DomainError(_("Please fill in: %(field)s.") % {"field": label}, field=key)
    if clean["applicant_type"] not in ApplicantType.values:
        raise DomainError(_("Choose an applicant type from the list."), field="applicant_type")
    if clean["id_type"] not in IdType.values:
        raise DomainError(_("Choose an identity document from the list."), field="id_type")
    is_person = clean["applicant_type"] == ApplicantType.NATURAL_PERSON
    if is_person and clean["id_type"] == IdType.CREDIT_CODE:
        raise DomainError(_("A natural person identifies with a personal document, not a credit code."), field="id_type")
    if not is_person and clean["id_type"] != IdType.CREDIT_CODE:
        raise DomainError(_("An organisation identifies with its unified social credit code."), field="id_type")
    if clean["id_type"] == IdType.RESIDENT_ID:
        clean["id_number"] = validate_resident_id(clean["id_number"])
    elif clean["id_type"] == IdType.CREDIT_CODE:
        clean["id_number"] = validate_credit_code(clean["id_number"])
        if not clean["contact_person"]:
            raise DomainError(_("Please fill in: %(field)s.") % {"field": gettext_lazy("contact person")}, field="contact_person")
    if clean["form_wanted"] not in ("paper", "electronic"):
        raise DomainError(_("Choose paper or electronic form."), field="form_wanted")
    if clean["delivery_method"] not in DeliveryMethod.values:
        raise DomainError(_("Choose a way of delivery from the list."), field="delivery_method")
    if not clean["phone"] and not clean["email"] and not clean["address"]:
        raise DomainError(_("Give at least one way to reach you: phone, e-mail or postal address."), field="phone")
    if clean["phone"] and not is_phone(clean["phone"]):
        raise DomainError(_("This phone number is not valid: give a mobile number or a landline with its area code."),
                          field="phone")
    if clean["postcode"] and not is_postcode(clean["postcode"]):
        raise DomainError(_("A postcode has six digits."), field="postcode")
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            raise DomainError(_("This e-mail address is not valid."), field="email") from None
    if clean["delivery_method"] == DeliveryMethod.EMAIL and not clean["email"]:
        raise DomainError(_("Delivery by e-mail needs an e-mail address."), field="email")
    if clean["delivery_method"] == DeliveryMethod.POST and not clean["address"]:
        raise DomainError(_("Delivery by post needs a postal address."), field="address")
    limits = {"applicant_name": 200, "subject": 300, "document_number": 100, "phone": 40, "address": 300, "postcode": 10,
              "contact_person": 100, "id_number": 40, "external_reference": 100, "description": DESCRIPTION_LIMIT,
              "purpose": PURPOSE_LIMIT}
    for key, limit in limits.items():
        if len(clean[key]) > limit:
            label = Application._meta.get_field(key).verbose_name
            raise DomainError(_("%(field)s is too long (at most %(limit)d characters).") % {"field": label, "limit": limit}, field=key)
    if not clean["document_number"] and not clean["description"] and len(clean["subject"]) < 4:
        raise DomainError(
            _("Describe the information sought: its title, document number or a description."), field="description"
        )
    return clean


MAX_ATTACHMENTS = 10


def _check_files(files: Iterable[File] | None) -> list:
    """Every file judged by its content and size; at most 10, together at most twice the per-file limit."""
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, field="attachments")
    total_limit = 2 * max_bytes_for(APPLICATION_ATTACHMENT)
    if sum(f.size for f in files) > total_limit:
        from django.template.defaultfilters import filesizeformat

        raise DomainError(_("The attachments together exceed %(limit)s.") % {"limit": filesizeformat(total_limit)},
                          field="attachments")
    return [(uploaded, check_upload(uploaded, purpose=APPLICATION_ATTACHMENT)) for uploaded in files]


def _store_files(application: Application, checked: list, purpose: str) -> None:
    """Store the files; with clamd configured they stay in quarantine until ``check_attachment`` has run."""
    scanning = virus_scan.is_configured()
    for uploaded, kind in checked:
        uploaded.seek(0)
        attachment = ApplicationAttachment.objects.create(
            application=application, file=uploaded, name=uploaded.name[:200], kind=kind.code, size=uploaded.size, purpose=purpose,
            check_state=FileCheck.PENDING if scanning else FileCheck.CLEAN,
        )
        if scanning:
            from gongkai.applications.tasks import check_attachment_job

            enqueue(check_attachment_job, attachment.pk)


def check_attachment(attachment_id: int) -> str:
    """Scan a quarantined attachment with clamd (outside any transaction) and record the verdict:
    clean files become usable; an infected one stays stored but is never served, and the refusal is
    audited on the application. Raises ScannerUnavailable when clamd cannot be reached."""
    attachment = ApplicationAttachment.objects.select_related("application").get(pk=attachment_id)
    if attachment.check_state != FileCheck.PENDING:
        return attachment.check_state
    verdict = virus_scan.scan_stored(attachment.file)
    with transaction.atomic():
        updated = ApplicationAttachment.objects.filter(pk=attachment_id, check_state=FileCheck.PENDING).update(
            check_state=FileCheck.CLEAN if verdict.clean else FileCheck.INFECTED, check_note=verdict.signature[:200]
        )
        if updated and not verdict.clean:
            log_action(
                attachment.application, "applications.attachment_infected", by=None,
                data={"attachment": attachment.pk, "name": attachment.name, "signature": verdict.signature},
            )
    return FileCheck.CLEAN if verdict.clean else FileCheck.INFECTED


def submit_application(
    *,
    organ: Organ,
    channel: str,
    data: dict,
    attachments: Iterable[File] = (),
    form_token: str | None = None,
    received_on: dt.date | None = None,
    receipt_note: str = "",
    by: User | None = None,
    api_channel: ApiChannel | None = None,
    user: User | AnonymousUser | None = None,
) -> Submitted:
    """File an application. Online, fax, e-mail and API applications wait for
    the organ to confirm receipt (Art. 31: the day both sides confirm); staff
    registering a letter, in-person or oral application give the date of
    receipt. A repeated ``form_token`` returns the application already made."""
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), field="channel")
    if not organ.is_active:
        raise DomainError(_("This organ does not accept applications."), field="organ")
    clean = clean_applicant_data(data)
    checked = _check_files(attachments)
    needs_confirmation = channel in CONFIRMED_CHANNELS and received_on is None
    if not needs_confirmation and received_on is None:
        raise DomainError(_("Give the date of receipt."), field="received_on")
    if received_on is not None and received_on > _today():
        raise DomainError(_("The date of receipt cannot be in the future."), field="received_on")
    secret = secrets.token_urlsafe(9)
    application = Application(
        organ=organ,
        secret=hash_secret(secret),
        channel=channel,
        api_channel=api_channel,
        form_token=form_token or None,
        status=Status.AWAITING_CONFIRMATION if needs_confirmation else Status.RECEIVED,
        received_on=None if needs_confirmation else received_on,
        receipt_note=receipt_note[:200],
        registered_by=by if getattr(by, "is_authenticated", False) else None,
        user=user if getattr(user, "is_authenticated", False) else None,
        **clean,
    )
    application.clock_start = application.received_on
    # Reads and arithmetic first, outside the transaction: nothing below them waits for another submission.
    _flag(application)
    clock.apply(application)
    try:
        with transaction.atomic():
            # The tracking number last: its counter row stays locked from here to the commit, held only
            # for the inserts that record the application (row, files, audit row, notification rows).
            application.tracking_number = next_tracking_number(organ, (received_on or _today()).year)
            application.save()
            _store_files(application, checked, AttachmentPurpose.ID_COPY)
            changes.mark(None, application)
            log_action(
                application, "applications.submitted", by=by, organ=organ,
                data={"channel": channel, "status": application.status, "received_on": str(application.received_on or "")},
            )
            from gongkai.applications import outbox

            outbox.arrived(application)
    except IntegrityError:
        # The form was sent twice (refresh, double click): its token is unique, so the second insert fails
        # and rolls back (its number too); the applicant is shown the application the first one made.
        if form_token:
            existing = Application.objects.filter(form_token=form_token).first()
            if existing is not None:
                return Submitted(existing, "", created=False)
        raise
    return Submitted(application, secret)


def register_application(
    *, organ: Organ, channel: str, data: dict, received_on: dt.date | None, by: User,
    attachments: Iterable[File] = (), receipt_note: str = ""
) -> Submitted:
    """Staff register a letter, fax, in-person, oral or e-mail application (Art. 31 date of receipt per channel)."""
    MOVES.check(Application(organ=organ, status=NEW), by, "register")
    if channel == Channel.WEB:
        raise DomainError(_("Online applications are filed by the applicant on the web form."), field="channel")
    if channel in (Channel.LETTER, Channel.IN_PERSON, Channel.ORAL) and received_on is None:
        messages = {
            Channel.LETTER: _("For a letter, the date of receipt is the day it was signed for."),
            Channel.IN_PERSON: _("For an application handed in, the date of receipt is the day it was handed in."),
            Channel.ORAL: _("For an oral application, the date of receipt is the day it was transcribed."),
        }
        raise DomainError(messages[Channel(channel)], field="received_on")
    return submit_application(
        organ=organ, channel=channel, data=data, attachments=attachments, received_on=received_on,
        receipt_note=receipt_note, by=by,
    )


def applicant_key(application: Application) -> str:
    """The blind index of the applicant's ID number (what repeat and volume checks compare)."""
    return crypto.blind_index(application.id_number or "", purpose="id_number")


DUPLICATE_CANDIDATES = 50  # the applicant's most recent applications to the organ compared with a new one


def _flag(application: Application) -> None:
    """Suggestions for the handler: petition-like content, Art. 35 volume, a repeat application."""
    text = f"{application.subject}\n{application.description}\n{application.purpose}"
    application.is_petition_suspected = any(word in text for word in PETITION_WORDS)
    since = _today() - dt.timedelta(days=30)
    threshold = int(getattr(settings, "APPLICATIONS_VOLUME_THRESHOLD", 10))
    if application.pk is None:
        # A new application: one query for both checks. The applicant's earlier applications to this organ, newest
        # first (index on id_number, organ); when there are fewer than the limit, these are all of them and both the
        # count of the last 30 days and the duplicate candidates are exact.
        limit = max(DUPLICATE_CANDIDATES, threshold) + 1
        earlier = list(
            Application.objects.filter(organ=application.organ, id_number_bidx=applicant_key(application))
            .only("id", "organ_id", "submitted_at", "status", "subject", "document_number", "description")
            .order_by("-submitted_at", "-id")[:limit]
        )
        if len(earlier) < limit:
            recent = sum(1 for other in earlier if timezone.localdate(other.submitted_at) >= since)
            application.is_volume_flagged = recent + 1 > threshold
            candidates = [other for other in earlier if other.status not in (Status.SPAM, Status.MERGED)]
            application.possible_duplicate_of = _most_similar(application, candidates[:DUPLICATE_CANDIDATES])
            return
    recent = Application.objects.filter(organ=application.organ, id_number_bidx=applicant_key(application), submitted_at__date__gte=since)
    if application.pk:
        recent = recent.exclude(pk=application.pk)
    application.is_volume_flagged = recent.count() + 1 > threshold
    application.possible_duplicate_of = find_duplicate(application)


def _tokens(text: str) -> set[str]:
    import rjieba

    return {t for t in rjieba.cut(text) if len(t.strip()) > 1}


def similarity(a: str, b: str) -> float:
    left, right = _tokens(a), _tokens(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def find_duplicate(application: Application) -> Application | None:
    """An earlier application by the same applicant to the same organ asking for much the same (重复申请)."""
    earlier = Application.objects.filter(organ=application.organ, id_number_bidx=applicant_key(application)).exclude(
        status__in=[Status.SPAM, Status.MERGED]
    )
    if application.pk:
        earlier = earlier.exclude(pk=application.pk)
    return _most_similar(application, earlier.order_by("-submitted_at", "-id")[:DUPLICATE_CANDIDATES])


def _most_similar(application: Application, candidates: QuerySet[Application]) -> Application | None:
    mine = f"{application.subject} {application.document_number} {application.description}"
    best, best_score = None, DUPLICATE_SIMILARITY
    for other in candidates:
        score = similarity(mine, f"{other.subject} {other.document_number} {other.description}")
        if score >= best_score:
            best, best_score = other, score
    return best


def confirm_receipt(application: Application, *, by: User, received_on: dt.date | None = None) -> Application:
    """The organ confirms it received an online/fax/e-mail application; that day is the date of receipt (Art. 31)."""
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "confirm_receipt")
        target = MOVES.target(application, "confirm_receipt")
        day = received_on or _today()
        if day > _today():
            raise DomainError(_("The date of receipt cannot be in the future."), field="received_on")
        if day < timezone.localdate(application.submitted_at):
            raise DomainError(_("The date of receipt cannot be before the application arrived."), field="received_on")
        application.received_on = application.clock_start = day
        application.receipt_note = _("confirmed by both sides on %(day)s") % {"day": day.isoformat()}
        _move(application, "receipt_confirmed", by=by, target=target, data={"received_on": day.isoformat()})
        from gongkai.applications import outbox

        outbox.receipt_confirmed(application)
    return application


def mark_spam(application: Application, *, by: User, reason: str) -> Application:
    if not reason.strip():
        raise DomainError(_("Say why this is not an application."), field="reason")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "mark_spam")
        target = MOVES.target(application, "mark_spam")
        _move(application, "marked_spam", by=by, reason=reason, target=target)
    return application
