"""Every move of a message: intake from the public form, acceptance or refusal, transfer, assignment,
extension, the reply through the organ's sign-off chain, sending, publishing and the citizen's rating.

Each move locks the row, asks ``workflow.MOVES``, saves the state and the deadline and writes one audit row
(``core.audit.log_action``) saying who did what and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.accounts.models import User

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser
    from django.core.files import File
from gongkai.core.audit import log_action
from gongkai.core.contacts import is_phone
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.core.masking import mask, mask_email, mask_id_number, mask_phone
from gongkai.interaction.models import (
    DEFAULT_REPLY_DAYS,
    Channel,
    Message,
    MessageBoxSettings,
    MessageType,
    Rating,
    RefusalReason,
)
from gongkai.interaction.workflow import MOVES
from gongkai.organs.models import Department, Organ
from gongkai.organs.permissions import has_role
from gongkai.signoff.models import SubjectKind
from gongkai.workdays.calendar import Deadline, add_working_days

# The sign-off chain a reply to a message goes through: an organ's own chain of this kind, else the default
# (科室负责人 then 分管领导) that ``signoff.services.chain_for`` sets up on first use, as for the other kinds.
SIGNOFF_KIND = SubjectKind.MESSAGE
MAX_EXTENSION_DAYS = 10
LIMITS = {"subject": 100, "content": 5000, "name": 50, "phone": 20, "email": 100}


def _today() -> dt.date:
    return timezone.localdate()


# --- the query code --------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(message: Message | None, secret: str) -> bool:
    """Constant-time comparison; an unknown message costs the same."""
    stored = message.secret if message is not None else "0" * 64
    result = hmac.compare_digest(stored, hash_secret((secret or "").strip().upper()))
    return result and message is not None


def _new_code() -> str:
    # 10 characters without look-alikes (0/O, 1/I): easy to copy from a screen, 50 bits of chance to guess.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _new_number(organ: Organ, day: dt.date) -> str:
    return f"{organ.code}-LY{day:%Y%m%d}-{secrets.token_hex(3).upper()}"


# --- the clock -------------------------------------------------------------------------


def settings_for(organ: Organ) -> MessageBoxSettings:
    """The organ's message-box settings (the defaults when it has set none; not saved)."""
    found = MessageBoxSettings.objects.filter(organ=organ).first()
    return found or MessageBoxSettings(organ=organ, reply_days=DEFAULT_REPLY_DAYS)


def deadline(message: Message) -> Deadline:
    """The reply deadline: ``reply_days`` (+ the extension) working days after receipt, or after reopening."""
    start = message.reopened_on or message.received_on
    return add_working_days(start, message.reply_days + message.extension_days)


def _apply_clock(message: Message) -> None:
    message.due_on = deadline(message).due if message.is_open else message.due_on


def _lock(message: Message) -> Message:
    return Message.objects.select_for_update().select_related("organ").get(pk=message.pk)


def _move(message: Message, verb: str, *, by: User | None, reason: str = "", data: dict | None = None) -> None:
    """Save the state the table leads to and the deadline, and write the audit row."""
    before = message.status
    message.status = MOVES.target(message, verb)
    _apply_clock(message)
    message.save()
    payload = {"from": before, "to": message.status}
    payload.update(data or {})
    log_action(message, f"interaction.{verb}", by=by, organ=message.organ, reason=reason, data=payload)
    if not message.is_open:
        from gongkai.notify.services import mark_done

        mark_done(f"message:{message.pk}")


# --- intake ----------------------------------------------------------------------------


@dataclass
class Submitted:
    message: Message
    code: str
    created: bool = True


def clean_message_data(data: dict, *, organ: Organ) -> dict:
    """Validate what the citizen typed; DomainError names the first field at fault."""
    clean: dict[str, Any] = {k: str(data.get(k) or "").strip() for k in ("type", "subject", "content", "name", "phone", "email")}
    clean["publish_consent"] = bool(data.get("publish_consent"))
    if clean["type"] not in MessageType.values:
        raise DomainError(_("Choose the type of message from the list."), field="type")
    labels = {"subject": gettext_lazy("subject"), "content": gettext_lazy("content")}
    for key, name in labels.items():
        if not clean[key]:
            raise DomainError(_("Please fill in: %(field)s.") % {"field": name}, field=key)
    for key, limit in LIMITS.items():
        if len(clean[key]) > limit:
            label = getattr(Message._meta.get_field(key), "verbose_name", key)
            raise DomainError(_("%(field)s is too long (at most %(limit)d characters).") % {"field": label, "limit": limit},
                              field=key)
    if clean["phone"] and not is_phone(clean["phone"]):
        raise DomainError(_("This phone number is not valid (a mobile number of 11 digits or a landline such as "
                            "0755-12345678)."), field="phone")
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            raise DomainError(_("This e-mail address is not valid."), field="email") from None
    if settings_for(organ).contact_required:
        if not clean["name"]:
            raise DomainError(_("Please fill in: %(field)s.") % {"field": gettext_lazy("name")}, field="name")
        if not clean["phone"] and not clean["email"]:
            raise DomainError(_("Give a phone number or an e-mail address so that the reply can reach you."), field="phone")
    return clean


MAX_ATTACHMENTS = 5


def check_files(files: Iterable[File] | None) -> list:
    """Every file judged by its content and size (the platform's upload rules); at most 5, together at most twice
    the per-file limit. Returns (file, kind) pairs; raises DomainError naming ``attachments``."""
    from django.template.defaultfilters import filesizeformat

    from gongkai.core.uploads import APPLICATION_ATTACHMENT, check_upload, max_bytes_for

    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, field="attachments")
    total_limit = 2 * max_bytes_for(APPLICATION_ATTACHMENT)
    if sum(f.size for f in files) > total_limit:
        raise DomainError(_("The attachments together exceed %(limit)s.") % {"limit": filesizeformat(total_limit)},
                          field="attachments")
    return [(uploaded, check_upload(uploaded, purpose=APPLICATION_ATTACHMENT)) for uploaded in files]


def _store_files(message: Message, checked: list) -> None:
    """Store the files; with a virus scanner configured they stay in quarantine until ``check_attachment`` ran."""
    from gongkai.core import virus_scan
    from gongkai.core.models import FileCheck
    from gongkai.core.tasks import enqueue
    from gongkai.interaction.models import MessageAttachment

    scanning = virus_scan.is_configured()
    for uploaded, kind in checked:
        uploaded.seek(0)
        attachment = MessageAttachment.objects.create(
            message=message, file=uploaded, name=uploaded.name[:200], kind=kind.code, size=uploaded.size,
            check_state=FileCheck.PENDING if scanning else FileCheck.CLEAN,
        )
        if scanning:
            from gongkai.interaction.tasks import check_attachment_job

            enqueue(check_attachment_job, attachment.pk)


def check_attachment(attachment_id: int) -> str:
    """Scan a quarantined attachment (outside any transaction) and record the verdict; an infected file stays
    stored but is never served, and the refusal is audited on the message."""
    from gongkai.core import virus_scan
    from gongkai.core.models import FileCheck
    from gongkai.interaction.models import MessageAttachment

    attachment = MessageAttachment.objects.select_related("message").get(pk=attachment_id)
    if attachment.check_state != FileCheck.PENDING:
        return attachment.check_state
    verdict = virus_scan.scan_stored(attachment.file)
    with transaction.atomic():
        updated = MessageAttachment.objects.filter(pk=attachment_id, check_state=FileCheck.PENDING).update(
            check_state=FileCheck.CLEAN if verdict.clean else FileCheck.INFECTED, check_note=verdict.signature[:200])
        if updated and not verdict.clean:
            log_action(attachment.message, "interaction.attachment_infected", by=None,
                       data={"attachment": attachment.pk, "name": attachment.name, "signature": verdict.signature})
    return FileCheck.CLEAN if verdict.clean else FileCheck.INFECTED


def submit_message(*, organ: Organ, data: dict, form_token: str | None = None, received_on: dt.date | None = None,
                   attachments: Iterable[File] = ()) -> Submitted:
    """A message from the public form. The same form token sent twice gives the first message back (no copy)."""
    if not organ.is_active:
        raise DomainError(_("This organ no longer receives messages."))
    clean = clean_message_data(data, organ=organ)
    if form_token:
        existing = Message.objects.filter(form_token=form_token).first()
        if existing is not None:
            return Submitted(existing, "", created=False)
    checked = check_files(attachments)
    code = _new_code()
    day = received_on or _today()
    message = Message(
        organ=organ, secret=hash_secret(code), form_token=form_token or None, received_on=day,
        reply_days=settings_for(organ).reply_days, **clean,
    )
    _apply_clock(message)
    try:
        with transaction.atomic():
            for _attempt in range(5):
                message.number = _new_number(organ, day)
                if not Message.objects.filter(number=message.number).exists():
                    break
            message.save()
            _store_files(message, checked)
            log_action(message, "interaction.submitted", by=None, organ=organ,
                       data={"type": message.type, "due_on": str(message.due_on), "attachments": len(checked)})
    except IntegrityError:
        existing = Message.objects.filter(form_token=form_token).first() if form_token else None
        if existing is None:
            raise
        return Submitted(existing, "", created=False)
    return Submitted(message, code)


def register_message(*, organ: Organ, by: User, channel: str, received_on: dt.date, data: dict) -> Submitted:
    """Staff register a message that came by the hotline (12345 / 政风行风热线), by letter or by a visit, with the
    day it came; its clock runs from that day. The query code is given to the citizen by the same channel."""
    from gongkai.interaction.workflow import intake

    MOVES.check(intake(organ), by, "register")
    if channel not in Channel.values or channel == Channel.WEB:
        raise DomainError(_("Choose how the message came: hotline, letter or visit."), field="channel")
    if received_on is None or received_on > _today():
        raise DomainError(_("The day the message came cannot be in the future."), field="received_on")
    clean = clean_message_data(data, organ=organ)
    code = _new_code()
    message = Message(organ=organ, secret=hash_secret(code), channel=channel, received_on=received_on,
                      reply_days=settings_for(organ).reply_days, number=_new_number(organ, received_on), **clean)
    _apply_clock(message)
    with transaction.atomic():
        message.save()
        log_action(message, "interaction.register", by=by, organ=organ,
                   data={"channel": channel, "received_on": received_on.isoformat(), "due_on": str(message.due_on)})
    return Submitted(message, code)


# --- intake decisions --------------------------------------------------------------------


def accept(message: Message, *, by: User) -> Message:
    """受理: the message is the organ's to answer."""
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "accept")
        _move(message, "accept", by=by)
    return message


def refuse(message: Message, *, by: User, reason: str, note: str = "", duplicate_of: Message | None = None) -> Message:
    """不予受理: spam, abusive, a duplicate (linked to the original) or a matter for a body outside the platform
    (the note tells the citizen where to go)."""
    if reason not in RefusalReason.values:
        raise DomainError(_("Choose the reason from the list."), field="reason")
    if reason == RefusalReason.DUPLICATE and duplicate_of is None:
        raise DomainError(_("Give the number of the earlier message this one repeats."), field="duplicate_of")
    if reason == RefusalReason.ELSEWHERE and not note.strip():
        raise DomainError(_("Tell the citizen where to turn with this matter."), field="note")
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "refuse")
        if duplicate_of is not None and (duplicate_of.pk == message.pk or duplicate_of.organ_id != message.organ_id):
            raise DomainError(_("The earlier message must be another message of the same organ."), field="duplicate_of")
        message.refusal_reason, message.refusal_note = reason, note.strip()
        message.duplicate_of = duplicate_of if reason == RefusalReason.DUPLICATE else None
        _move(message, "refuse", by=by, reason=note.strip(), data={"reason": reason, "duplicate_of": getattr(duplicate_of, "pk", None)})
    return message


def transfer(message: Message, *, by: User, to: Organ, reason: str = "") -> Message:
    """转办: the message goes to another organ of the platform as a new message there, whose own clock starts
    today; this one ends as transferred and points to it. The citizen's query code stays valid for the new one."""
    if to is None or not to.is_active:
        raise DomainError(_("Choose an organ of the platform to transfer the message to."), field="to")
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "transfer")
        if to.pk == message.organ_id:
            raise DomainError(_("The message is already with this organ."), field="to")
        today = _today()
        copy = Message(
            organ=to, secret=message.secret, type=message.type, subject=message.subject, content=message.content,
            name=message.name, phone=message.phone, email=message.email, publish_consent=message.publish_consent,
            received_on=today, reply_days=settings_for(to).reply_days, number=_new_number(to, today),
        )
        _apply_clock(copy)
        copy.save()
        log_action(copy, "interaction.received_by_transfer", by=by, organ=to, reason=reason,
                   data={"from_message": message.pk, "from_organ": message.organ_id})
        message.transferred_to = copy
        _move(message, "transfer", by=by, reason=reason, data={"to_organ": to.pk, "to_message": copy.pk})
    return message


def assign(message: Message, *, by: User, department: Department | None = None, assignee: User | None = None) -> Message:
    """交办: to a department of the organ and, optionally, a handler in it."""
    if department is None and assignee is None:
        raise DomainError(_("Choose a department or a handler."), field="department")
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "assign")
        if department is not None and department.organ_id != message.organ_id:
            raise DomainError(_("The department must belong to the organ of the message."), field="department")
        if assignee is not None and not MOVES.role_allows(message, assignee, "draft_reply"):
            raise DomainError(_("This person does not handle messages in this organ."), field="assignee")
        message.department = department or message.department
        message.assignee = assignee or message.assignee
        _move(message, "assign", by=by, data={"department": getattr(department, "pk", None), "assignee": getattr(assignee, "pk", None)})
    return message


def extend(message: Message, *, by: User, days: int, reason: str) -> Message:
    """延期: once, with a reason, by at most ``MAX_EXTENSION_DAYS`` working days."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the extension."), field="reason")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise DomainError(_("An extension is from 1 to %(max)d working days.") % {"max": MAX_EXTENSION_DAYS}, field="days")
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "extend")
        if message.extension_days:
            raise InvalidTransition(_("The reply deadline of this message was already extended once."), field="days")
        message.extension_days, message.extension_reason = days, reason.strip()
        message.reminded_on = message.escalated_on = None  # a new deadline: its own reminder and escalation
        _move(message, "extend", by=by, reason=reason.strip(), data={"days": days})
    return message


# --- the reply ---------------------------------------------------------------------------


def draft_reply(message: Message, *, by: User, text: str) -> Message:
    """The handler writes (or rewrites) the reply; a new version each time."""
    if not text.strip():
        raise DomainError(_("Write the reply text."), field="text")
    if len(text) > 10000:
        raise DomainError(_("%(field)s is too long (at most %(limit)d characters).") % {"field": _("reply"), "limit": 10000},
                          field="text")
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "draft_reply")
        message.reply_text = text.strip()
        message.reply_version += 1
        message.reply_hash = hash_secret(message.reply_text)
        if message.assignee_id is None:
            message.assignee = by
        _move(message, "draft_reply", by=by, data={"version": message.reply_version})
    return message


def submit_reply(message: Message, *, by: User) -> Message:
    """The draft goes to the organ's sign-off chain (审签) for exactly this version."""
    from gongkai.signoff.services import open_signoff

    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "submit_reply")
        if not message.reply_text:
            raise InvalidTransition(_("Write the reply before submitting it."), field="text")
        message.signoff = open_signoff(
            message, organ=message.organ, kind=SIGNOFF_KIND, by=by, title=f"{message.number} {message.subject}",
            version=message.reply_version, content_hash=message.reply_hash, important=False,
        )
        _move(message, "submit_reply", by=by, data={"version": message.reply_version, "signoff": message.signoff.pk})
    return message


def may_decide(message: Message, user: User | AnonymousUser) -> bool:
    """Whether ``user`` holds the role of the sign-off step the reply waits at."""
    signoff = message.signoff
    return (message.status == "in_signoff" and signoff is not None and bool(signoff.current_role)
            and has_role(user, message.organ, signoff.current_role))


def decide_reply(message: Message, *, by: User, decision: str, comment: str = "") -> Message:
    """One step of the sign-off chain; the last approval makes the reply final, a return sends it back."""
    from gongkai.signoff.models import SignoffStatus
    from gongkai.signoff.services import decide

    with transaction.atomic():
        message = _lock(message)
        if message.signoff is None:
            raise InvalidTransition(_("This reply is not waiting for sign-off."))
        MOVES.check_state(message, "approve_reply")
        signoff = decide(message.signoff, by=by, decision=decision, comment=comment, content_hash=message.reply_hash)
        message.signoff = signoff
        if signoff.status == SignoffStatus.APPROVED:
            _move(message, "approve_reply", by=by, reason=comment, data={"version": message.reply_version})
        elif signoff.status == SignoffStatus.RETURNED:
            _move(message, "return_reply", by=by, reason=comment, data={"version": message.reply_version})
        else:
            log_action(message, "interaction.reply_step_approved", by=by, organ=message.organ, reason=comment,
                       data={"step": signoff.current_position - 1})
    return message


def send(message: Message, *, by: User) -> Message:
    """答复: the approved reply goes to the citizen, on the follow page opened with the query code."""
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "send")
        message.replied_at = timezone.now()
        _move(message, "send", by=by, data={"version": message.reply_version})
        if message.email or message.phone:
            transaction.on_commit(lambda: _tell_citizen(message))
    return message


def _tell_citizen(message: Message) -> None:
    """The citizen who gave an e-mail address or a phone number is told the reply is on the follow page (the reply
    itself is not sent: the follow page shows it to whoever holds the query code)."""
    from gongkai.notify.services import Recipient, notify

    notify(
        Recipient(name=message.name, email=message.email, phone=message.phone), "message",
        {"title": _("Your message %(number)s was answered") % {"number": message.number},
         "text": _("%(organ)s answered your message “%(subject)s”. Open it with the message number %(number)s and your "
                   "query code on the message page of the portal.")
         % {"organ": message.organ.name, "subject": message.subject, "number": message.number}},
        organ=message.organ, reference=f"message:{message.pk}",
    )


def public_text(message: Message, text: str) -> str:
    """``text`` as the portal may show it: the citizen's own name, phone and e-mail, and any ID number, mobile
    number or bank card found by the sensitive-content scanner, masked."""
    from gongkai.sensitive.models import FindingKind
    from gongkai.sensitive.scanner import scan

    for own, masked in ((message.phone, mask_phone(message.phone)), (message.email, mask_email(message.email)),
                        (message.name, mask(message.name, keep_start=1, keep_end=0))):
        if own and len(own) > 1:
            text = text.replace(own, masked)
    masking: dict[str, Callable[[str], str]] = {
        FindingKind.ID_NUMBER: mask_id_number,
        FindingKind.MOBILE: mask_phone,
        FindingKind.BANK_CARD: lambda value: mask(value, keep_start=4, keep_end=4),
    }
    for hit in reversed(scan(text)):
        if hit.kind in masking:
            text = text[: hit.start] + masking[hit.kind](hit.match) + text[hit.end:]
    return text


def publish(message: Message, *, by: User) -> Message:
    """公开: the question and its reply on the portal, personal data masked; only with the citizen's consent."""
    with transaction.atomic():
        message = _lock(message)
        MOVES.check(message, by, "publish")
        if not message.publish_consent:
            raise InvalidTransition(_("The citizen did not agree to publish this message."), field="published")
        if message.published:
            raise InvalidTransition(_("This message is already published."), field="published")
        message.public_content = public_text(message, message.content)
        message.public_reply = public_text(message, message.reply_text)
        message.published, message.published_at = True, timezone.now()
        _move(message, "publish", by=by)
    return message


# --- the citizen's rating ------------------------------------------------------------------


def rate(message: Message, *, rating: str, comment: str = "") -> Message:
    """The citizen rates the reply once. 不满意 reopens the message once for a second handling with its own
    deadline (counted from today)."""
    if rating not in Rating.values:
        raise DomainError(_("Choose a rating from the list."), field="rating")
    if len(comment) > 500:
        raise DomainError(_("%(field)s is too long (at most %(limit)d characters).") % {"field": _("comment"), "limit": 500},
                          field="comment")
    with transaction.atomic():
        message = _lock(message)
        MOVES.check_state(message, "rate")
        if not message.awaits_rating:
            raise InvalidTransition(_("This reply has already been rated."), field="rating")
        message.rating, message.rating_comment, message.rated_at = rating, comment.strip(), timezone.now()
        _move(message, "rate", by=None, reason=comment.strip(), data={"rating": rating})
        if rating == Rating.UNSATISFIED and not message.was_reopened:
            MOVES.check_state(message, "reopen")
            message.reopened_on, message.extension_days, message.extension_reason = _today(), 0, ""
            message.reminded_on = message.escalated_on = None
            message.published = False
            _move(message, "reopen", by=None, reason=comment.strip())
    return message
