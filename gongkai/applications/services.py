"""Every write to the applications register. Each face (public form, workspace,
API, admin, periodic command) calls these typed, keyword-only functions.

A state move locks the application row, asks the table of moves
(``workflow.MOVES``) about the actor's role and the state, saves, recomputes the deadline and
writes one audit row. Refusals raise ``DomainError`` / ``NotAllowed`` /
``InvalidTransition`` with a translated message and save nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.applications import clock
from gongkai.applications.models import (
    CONFIRMED_CHANNELS,
    Appeal,
    Application,
    ApplicationAttachment,
    AttachmentPurpose,
    Channel,
    Consultation,
    ConsultationAnswer,
    ConsultationKind,
    DeliveryMethod,
    Fee,
    FeeScheme,
    FeeStatus,
    IdType,
    LetterKind,
    Note,
    Reply,
    ReplyStatus,
    Status,
    TrackingCounter,
)
from gongkai.applications.taxonomy import AppealKind, AppealResult, ApplicantType, Outcome
from gongkai.applications.validators import validate_credit_code, validate_resident_id
from gongkai.applications.workflow import APPEALS, MOVES, intake
from gongkai.core import crypto, virus_scan
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.core.models import FileCheck
from gongkai.core.tasks import enqueue
from gongkai.core.uploads import APPLICATION_ATTACHMENT, check_upload, max_bytes_for
from gongkai.organs.models import Department, Organ
from gongkai.organs.permissions import has_role

# 其他处理 1 and 2: set by closing a case whose correction or fee did not arrive in time, never drafted.
CLOSING_OUTCOMES = frozenset({Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_UNPAID_FEE})
PETITION_WORDS = ("信访", "举报", "投诉", "上访", "控告", "检举", "申诉")
DUPLICATE_SIMILARITY = 0.6


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("organ").get(pk=application.pk)


def _today() -> dt.date:
    return timezone.localdate()


def _move(application: Application, verb: str, *, by, reason: str = "", data: dict | None = None, target: str | None = None) -> None:
    """Save the new state and deadline, and write the audit row."""
    before = application.status
    if target is not None:
        application.status = target
    clock.apply(application)
    application.save()
    payload = {"from": before, "to": application.status}
    payload.update(data or {})
    log_action(application, f"applications.{verb}", by=by, organ=application.organ, reason=reason, data=payload)


# --- secrets and numbers ---------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(application: Application | None, secret: str) -> bool:
    """Constant-time comparison; an unknown application costs the same."""
    stored = application.secret if application is not None else "0" * 64
    result = hmac.compare_digest(stored, hash_secret(secret or ""))
    return result and application is not None


def next_tracking_number(organ: Organ, year: int) -> str:
    """Take the next serial of the organ's year. Call it inside the transaction that saves the application, as late
    as possible: the UPDATE locks the counter row until that transaction ends, so numbers are unique and consecutive
    (a rolled-back submission gives its number back) and every other submission to the organ waits meanwhile."""
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(TrackingCounter._meta.db_table)} SET {quote('last_serial')} = {quote('last_serial')} + 1 "
           f"WHERE {quote('organ_id')} = %s AND {quote('year')} = %s RETURNING {quote('last_serial')}")
    for _attempt in range(2):
        with connection.cursor() as cursor:  # one statement: increment, lock and read (PostgreSQL, SQLite ≥ 3.35)
            cursor.execute(sql, [organ.pk, year])
            row = cursor.fetchone()
        if row is not None:
            return f"{organ.code}-{year}-{row[0]:06d}"
        try:
            with transaction.atomic():
                TrackingCounter.objects.create(organ=organ, year=year)  # the organ's first application of the year
        except IntegrityError:
            pass  # another request created it first
    raise RuntimeError(f"no tracking counter for organ {organ.pk}, year {year}")


# --- intake ----------------------------------------------------------------------

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
              "contact_person": 100, "id_number": 40, "external_reference": 100}
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


def _check_files(files) -> list:
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
    attachments=(),
    form_token: str | None = None,
    received_on: dt.date | None = None,
    receipt_note: str = "",
    by=None,
    api_channel=None,
    user=None,
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
    *, organ: Organ, channel: str, data: dict, received_on: dt.date | None, by, attachments=(), receipt_note: str = ""
) -> Submitted:
    """Staff register a letter, fax, in-person, oral or e-mail application (Art. 31 date of receipt per channel)."""
    MOVES.check(intake(organ), by, "register")
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


def _most_similar(application: Application, candidates) -> Application | None:
    mine = f"{application.subject} {application.document_number} {application.description}"
    best, best_score = None, DUPLICATE_SIMILARITY
    for other in candidates:
        score = similarity(mine, f"{other.subject} {other.document_number} {other.description}")
        if score >= best_score:
            best, best_score = other, score
    return best


def confirm_receipt(application: Application, *, by, received_on: dt.date | None = None) -> Application:
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


def mark_spam(application: Application, *, by, reason: str) -> Application:
    if not reason.strip():
        raise DomainError(_("Say why this is not an application."), field="reason")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "mark_spam")
        target = MOVES.target(application, "mark_spam")
        _move(application, "marked_spam", by=by, reason=reason, target=target)
    return application


# --- handling ----------------------------------------------------------------------


def route(application: Application, *, department: Department, by) -> Application:
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


def claim(application: Application, *, by) -> Application:
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


def assign(application: Application, *, to, by) -> Application:
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


def add_note(application: Application, *, text: str, by) -> Note:
    if not text.strip():
        raise DomainError(_("The note is empty."), field="text")
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "add_note")
        note = Note.objects.create(application=application, author=by, text=text.strip())
        log_action(application, "applications.note_added", by=by, data={"note": note.pk})
    return note


def set_flags(application: Application, *, by, petition: bool, volume: bool) -> Application:
    with transaction.atomic():
        application = _lock(application)
        MOVES.check(application, by, "set_flags")
        application.is_petition_suspected, application.is_volume_flagged = petition, volume
        _move(application, "flags_set", by=by, data={"petition": petition, "volume": volume})
    return application


def merge(application: Application, *, into: Application, by, reason: str = "") -> Application:
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


def split(application: Application, *, parts: list[dict], by) -> list[Application]:
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
            created.append(child)
        _move(application, "split", by=by, data={"into": [c.tracking_number for c in created]})
    return created


# --- correction (补正, Art. 30) -------------------------------------------------------


def request_correction(application: Application, *, by, text: str, respond_within_days: int = 10) -> Application:
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

        outbox.make_letter(application, LetterKind.CORRECTION, by=by)
        outbox.correction_requested(application)
    return application


def submit_correction(application: Application, *, text: str, attachments=(), by=None, on: dt.date | None = None) -> Application:
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


def close_uncorrected(application: Application, *, by=None, today: dt.date | None = None) -> Application:
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


def start_consultation(application: Application, *, kind: str, party: str, question: str = "", by, sent_on: dt.date | None = None) -> Consultation:
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
            from gongkai.applications import outbox

            outbox.make_letter(application, LetterKind.THIRD_PARTY, by=by, extra={"consultation": consultation}, for_applicant=False)
    return consultation


def answer_consultation(consultation: Consultation, *, answer: str, text: str = "", by, answered_on: dt.date | None = None) -> Consultation:
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


def extend(application: Application, *, days: int, reason: str, by) -> Application:
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

        outbox.make_letter(application, LetterKind.EXTENSION, by=by)
        outbox.extended(application)
    return application


# --- fees (信息处理费) ---------------------------------------------------------------------


def charge_fee(application: Application, *, scheme: str, by, pages: int | None = None) -> Fee:
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

        outbox.make_letter(application, LetterKind.FEE, by=by)
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


def record_payment(application: Application, *, by, paid_on: dt.date | None = None, reference: str = "") -> Fee:
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


def close_unpaid(application: Application, *, by=None, today: dt.date | None = None) -> Application:
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


# --- decision, sign-off, delivery ---------------------------------------------------------


def _reply_hash(reply_fields: dict) -> str:
    text = "\x1f".join(str(reply_fields[k]) for k in sorted(reply_fields))
    return hashlib.sha256(text.encode()).hexdigest()


def draft_reply(
    application: Application, *, outcome: str, legal_basis: str, body: str, by, documents_provided: str = "", other_organ: str = ""
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


def submit_reply(reply: Reply, *, by, important: bool = False) -> Reply:
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


def decide_reply(reply: Reply, *, by, decision: str, comment: str = "") -> Reply:
    """One step of the organ's sign-off chain. The last approval makes the
    reply final: the outcome is fixed and the reply letter generated."""
    from gongkai.signoff.models import Decision, SignoffStatus
    from gongkai.signoff.services import decide

    with transaction.atomic():
        application = _lock(reply.application)
        reply = Reply.objects.select_for_update().get(pk=reply.pk)
        if reply.status != ReplyStatus.IN_SIGNOFF or reply.signoff_id is None:
            raise InvalidTransition(_("This reply is not waiting for sign-off."))
        signoff = decide(reply.signoff, by=by, decision=decision, comment=comment, content_hash=reply.content_hash)
        from gongkai.applications import outbox

        if signoff.status == SignoffStatus.APPROVED:
            target = MOVES.check_state(application, "approve_reply").target
            reply.status = ReplyStatus.APPROVED
            reply.save()
            _move(application, "reply_approved", by=by, target=target, reason=comment, data={"reply": reply.pk, "outcome": reply.outcome})
            outbox.make_letter(application, LetterKind.REPLY, by=by, extra={"reply": reply})
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


def record_delivery(application: Application, *, via: str, by, delivered_on: dt.date | None = None, reference: str = "") -> Application:
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
        reply.status = ReplyStatus.SENT
        reply.save()
        application.delivered_via, application.delivered_on, application.delivery_reference = via, day, reference.strip()[:100]
        application.outcome = reply.outcome
        application.closed_on = day
        _move(application, "reply_sent", by=by, target=target, data={"via": via, "outcome": reply.outcome})
        from gongkai.applications import outbox

        outbox.reply_sent(application, via=via)
    return application


def withdraw(application: Application, *, by=None, reason: str = "", on: dt.date | None = None) -> Application:
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


def _close_open_replies(application: Application, *, by, reason: str) -> None:
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


# --- appeals (table 四) ------------------------------------------------------------------


def record_appeal(
    *, organ: Organ, kind: str, filed_on: dt.date, by, application: Application | None = None,
    case_number: str = "", body: str = "", note: str = "",
) -> Appeal:
    if kind not in AppealKind.values:
        raise DomainError(_("Choose reconsideration or litigation."), field="kind")
    if filed_on > _today():
        raise DomainError(_("The filing date cannot be in the future."), field="filed_on")
    appeal = Appeal(
        organ=organ, application=application, kind=kind, filed_on=filed_on, case_number=case_number.strip()[:100],
        body=body.strip()[:200], note=note.strip(), created_by=by,
    )
    APPEALS.check(appeal, by, "record_appeal")
    if application is not None and application.organ_id != organ.pk:
        raise DomainError(_("That application belongs to another organ."), field="application")
    with transaction.atomic():
        appeal.save(force_insert=True)
        log_action(appeal, "applications.appeal_recorded", by=by, organ=organ, data={"kind": kind})
    return appeal


def decide_appeal(appeal: Appeal, *, result: str, decided_on: dt.date, by) -> Appeal:
    if result not in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER):
        raise DomainError(_("Choose upheld, corrected or other."), field="result")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        APPEALS.check(appeal, by, "decide_appeal")
        if decided_on < appeal.filed_on or decided_on > _today():
            raise DomainError(_("The decision date must be between the filing date and today."), field="decided_on")
        appeal.result, appeal.decided_on = result, decided_on
        appeal.save()
        log_action(appeal, "applications.appeal_decided", by=by, organ=appeal.organ, data={"result": result})
    return appeal


# --- the calendar changed -----------------------------------------------------------------


def recompute_deadline(application: Application, *, by=None, reason: str = "") -> bool:
    """Recompute one running application's deadlines; audited only when they change."""
    with transaction.atomic():
        application = _lock(application)
        if not MOVES.state_allows(application, "recompute"):
            return False
        old = application.due_on
        if not clock.apply(application):
            return False
        application.save(update_fields=["due_on", "internal_due_on", "correction_notice_due_on", "due_explanation", "updated_at"])
        log_action(application, "applications.deadline_recomputed", by=by, reason=reason,
                   data={"old_due_on": str(old or ""), "new_due_on": str(application.due_on or "")})
    return True


RECOMPUTE_CHUNK = 500


def recompute_running(*, years=None, dates=None, by=None, reason: str = "") -> int:
    """Recompute running deadlines a calendar change can affect. Idempotent.

    A day whose status changed moves a deadline only when it lies after the
    clock start and not after the old due date; a deadline marked provisional
    may stop being so when its year is loaded. With neither ``dates`` nor
    ``years`` every running deadline is recomputed.

    Set-based: an application without its own excluded periods (no
    consultation, no fee) has deadlines that depend only on (organ, date of
    receipt, clock start, restart, extension), so each distinct combination is
    computed once and its changed rows are locked and rewritten with one
    UPDATE per chunk; the few with consultations or a fee are computed row by
    row. Every changed deadline gets its own audit row (bulk-inserted)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef, Q

    from gongkai.core.audit import actor_of, record_many
    from gongkai.core.models import AuditEvent

    queryset = Application.objects.running().filter(received_on__isnull=False)
    if dates:
        dates = sorted(dates)
        queryset = queryset.filter(
            Q(clock_start__lt=dates[-1], due_on__gte=dates[0]) | Q(due_explanation__provisional=True)
        )
    elif years:
        years = sorted({int(y) for y in years})
        queryset = queryset.filter(
            Q(due_on__year__gte=years[0] - 1, clock_start__year__lte=years[-1]) | Q(due_explanation__provisional=True)
        )
    own_periods = Q(Exists(Consultation.objects.filter(application=OuterRef("pk")))) | Q(
        Exists(Fee.objects.filter(application=OuterRef("pk"))))
    calendar = clock.current()
    reason = reason or _("working-day calendar changed")
    organs = {o.pk: o for o in Organ.objects.all()}
    states = MOVES["recompute"].sources

    # 1. Row by row: applications with consultation or fee periods.
    ids = list(queryset.filter(own_periods).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), RECOMPUTE_CHUNK):
        chunk = ids[start:start + RECOMPUTE_CHUNK]
        with transaction.atomic():
            rows = list(
                Application.objects.select_for_update()
                .filter(pk__in=chunk, status__in=states)
                .prefetch_related("consultations")
            )
            fees = {f.application_id: f for f in Fee.objects.filter(application_id__in=chunk)}
            moved = []
            for row in rows:
                row.organ = organs[row.organ_id]
                row.fee = fees.get(row.pk)
                old = row.due_on
                if clock.apply(row, calendar=calendar):
                    row.updated_at = timezone.now()
                    moved.append((row, old))
            if moved:
                Application.objects.bulk_update(
                    [row for row, _old in moved],
                    ["due_on", "internal_due_on", "correction_notice_due_on", "due_explanation", "updated_at"],
                )
                for row, old in moved:
                    log_action(row, "applications.deadline_recomputed", by=by, organ=row.organ, reason=reason,
                               data={"old_due_on": str(old or ""), "new_due_on": str(row.due_on or "")})
            changed += len(moved)

    # 2. Set-based: everything else, one computation per distinct set of facts.
    fields = ("organ_id", "received_on", "clock_start", "corrected_on", "extension_days")
    groups: dict[tuple, list[int]] = {}
    results: dict[tuple, tuple] = {}
    plain = queryset.exclude(own_periods).values_list(
        "pk", *fields, "due_on", "internal_due_on", "correction_notice_due_on").order_by()
    for pk, organ_id, received_on, clock_start, corrected_on, extension_days, due, internal, notice in plain.iterator(chunk_size=5000):
        restarted = corrected_on is not None and corrected_on == (clock_start or received_on)
        key = (organ_id, received_on, clock_start, corrected_on, extension_days)
        if key not in results:
            probe = Application(organ=organs[organ_id], received_on=received_on, clock_start=clock_start,
                                corrected_on=corrected_on if restarted else None, extension_days=extension_days)
            clock.apply(probe, calendar=calendar)
            results[key] = (probe.due_on, probe.internal_due_on, probe.correction_notice_due_on, probe.due_explanation)
        if (due, internal, notice) != results[key][:3]:
            groups.setdefault(key, []).append(pk)

    actor, actor_name = actor_of(by)
    content_type = ContentType.objects.get_for_model(Application)
    for key, pks in groups.items():
        organ_id, received_on, clock_start, corrected_on, extension_days = key
        new_due, new_internal, new_notice, explanation = results[key]
        for start in range(0, len(pks), RECOMPUTE_CHUNK * 10):
            chunk = pks[start:start + RECOMPUTE_CHUNK * 10]
            with transaction.atomic():
                # lock the rows whose facts are still these (anything changed meanwhile was recomputed by its own change)
                rows = list(
                    Application.objects.select_for_update()
                    .filter(pk__in=chunk, status__in=states, organ_id=organ_id, received_on=received_on,
                            clock_start=clock_start, corrected_on=corrected_on, extension_days=extension_days)
                    .exclude(own_periods)
                    .values_list("pk", "tracking_number", "subject", "due_on")
                )
                if not rows:
                    continue
                now = timezone.now()
                Application.objects.filter(pk__in=[r[0] for r in rows]).update(
                    due_on=new_due, internal_due_on=new_internal, correction_notice_due_on=new_notice,
                    due_explanation=explanation, updated_at=now)
                record_many([
                    AuditEvent(actor=actor, actor_name=actor_name, organ_id=organ_id,
                               action="applications.deadline_recomputed", target_type=content_type,
                               target_id=str(pk), target_repr=f"{number} {subject[:40]}"[:300], reason=reason,
                               data={"old_due_on": str(old or ""), "new_due_on": str(new_due or "")})
                    for pk, number, subject, old in rows
                ])
                changed += len(rows)
    return changed
