"""The one way to notify someone: ``notify(recipient, event, context)``.

``recipient`` is a user (staff), a :class:`Recipient` (an applicant: name,
e-mail, phone), or a bare e-mail address or phone number. One row per channel
is written at once, in the caller's transaction; delivery is queued for after
the commit (``gongkai.core.tasks.enqueue``), so a rolled-back change sends
nothing and a committed one is never lost: a failed delivery is retried with
exponential backoff by the task and by ``send_pending_notifications``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.notify import backends
from gongkai.notify.events import EVENTS, TASK_EVENTS
from gongkai.notify.models import PENDING_STATES, Channel, Notification, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ

logger = logging.getLogger("gongkai.notify")

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60  # 1, 2, 4, 8 … minutes
BACKOFF_MAX_SECONDS = 6 * 3600
STALE_CLAIM = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Recipient:
    """Someone without an account (an applicant)."""

    name: str = ""
    email: str = ""
    phone: str = ""


def default_channels() -> list[str]:
    return [c for c in getattr(settings, "NOTIFY_BACKENDS", ["console"]) if c in backends.BACKENDS]


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failed ones."""
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _format(value: object) -> str:
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return "" if value is None else str(value)


def render(event: str, context: dict) -> tuple[str, str, str]:
    """(subject, body, sms text) of an event in the site language."""
    spec = EVENTS.get(event)
    if spec is None:
        raise DomainError(_("Unknown notification event “%(event)s”.") % {"event": event}, field="event")
    missing = [key for key in spec.required if context.get(key) in (None, "")]
    if missing:
        raise DomainError(
            _("The notification “%(event)s” needs: %(keys)s.") % {"event": event, "keys": ", ".join(missing)}, field="context"
        )
    values = {key: _format(value) for key, value in context.items()}
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(spec.subject) % values
        body = str(spec.body) % values
        sms = str(spec.sms) % values
    return subject[:200], body, sms


def _addresses(recipient: Any, channel: str) -> tuple[str, str] | None:
    """(name, address) for the channel, or None when the recipient has none."""
    if hasattr(recipient, "get_username"):
        name = recipient.get_full_name() or recipient.get_username()
        if channel == Channel.EMAIL:
            return (name, recipient.email) if recipient.email else None
        if channel == Channel.SMS:
            return (name, getattr(recipient, "phone", "")) if getattr(recipient, "phone", "") else None
        return name, recipient.email or recipient.get_username()
    if isinstance(recipient, str):
        recipient = Recipient(email=recipient) if "@" in recipient else Recipient(phone=recipient)
    if channel == Channel.INAPP:
        return None  # only accounts have an inbox
    if channel == Channel.EMAIL:
        return (recipient.name, recipient.email) if recipient.email else None
    if channel == Channel.SMS:
        return (recipient.name, recipient.phone) if recipient.phone else None
    return recipient.name, recipient.email or recipient.phone


def notify(
    recipient: User | Recipient | str,
    event: str,
    context: dict,
    *,
    channels: Iterable[str] | None = None,
    organ: Organ | None = None,
    link: str = "",
    reference: str = "",
    attachment: str = "",
    attachment_name: str = "",
    more_attachments: list[tuple[str, str]] | None = None,
) -> list[Notification]:
    """Write one ``Notification`` per channel and queue their delivery.

    ``channels`` defaults to ``settings.NOTIFY_BACKENDS`` (``console`` unless
    configured, e.g. ``email,sms`` in production), plus ``inapp`` for a user.
    A channel the recipient has no address for is skipped; if that leaves
    nothing, one ``failed`` row says so (visible, never silently dropped).
    ``reference`` names the record the message is about (``application:12``), so
    its page can list what was sent; ``attachment`` is the storage name of a file
    already kept (e.g. a reply letter's PDF), attached to the e-mail rows only under
    ``attachment_name`` (stored names are random); ``more_attachments`` are further (storage name, file name) pairs.
    Raises ``DomainError`` for an unknown event or missing context keys.
    """
    return notify_all(
        [recipient], event, context, channels=channels, organ=organ, link=link, reference=reference, attachment=attachment,
        attachment_name=attachment_name, more_attachments=more_attachments,
    )


def notify_all(
    recipients: Iterable[Any],  # each a User, a Recipient or a bare address, as for notify()
    event: str,
    context: dict,
    *,
    channels: Iterable[str] | None = None,
    organ: Organ | None = None,
    link: str = "",
    reference: str = "",
    attachment: str = "",
    attachment_name: str = "",
    more_attachments: list[tuple[str, str]] | None = None,
) -> list[Notification]:
    """``notify`` for several recipients of the same message (the staff of an organ): rendered once, every row
    written by one ``INSERT``, their delivery queued together. Each recipient gets exactly the rows ``notify``
    would give them."""
    subject, body, sms = render(event, context)
    wanted_channels = list(channels) if channels is not None else None
    now = timezone.now()
    # Delivered by this process right after the commit (no broker): the rows are written already claimed by it, as
    # a worker claims a row, so no sweep takes them meanwhile and no claiming UPDATE is needed. Should the process
    # die before sending, the sweep releases the claim after STALE_CLAIM and sends them then.
    in_process = _in_process()
    pending = Status.SENDING if in_process else Status.QUEUED
    rows = []
    for recipient in recipients:
        is_user = hasattr(recipient, "get_username")
        wanted = wanted_channels if wanted_channels is not None else default_channels() + ([Channel.INAPP] if is_user else [])
        unknown = [c for c in wanted if c not in backends.BACKENDS]
        if unknown:
            raise DomainError(_("Unknown notification channel: %(channels)s.") % {"channels": ", ".join(unknown)}, field="channels")
        mine = []
        for channel in dict.fromkeys(wanted):
            target = _addresses(recipient, channel)
            if target is None:
                continue
            name, address = target
            inapp = channel == Channel.INAPP
            mine.append(Notification(
                recipient=recipient if is_user else None,
                recipient_name=name[:200],
                address=address[:254],
                channel=channel,
                event=event,
                subject=subject,
                body=sms if channel == Channel.SMS else body,
                link=link[:300],
                reference=reference[:80],
                attachment=attachment if channel == Channel.EMAIL else "",
                attachment_name=(attachment_name or attachment.rsplit("/", 1)[-1])[:200] if channel == Channel.EMAIL and attachment else "",
                more_attachments=[list(pair) for pair in more_attachments or []] if channel == Channel.EMAIL else [],
                organ=organ,
                status=Status.SENT if inapp else pending,
                sent_at=now if inapp else None,
                next_attempt_at=None if inapp else now,
                claimed_at=now if in_process and not inapp else None,
            ))
        if not mine:
            name = getattr(recipient, "name", "") or (recipient if isinstance(recipient, str) else str(recipient))
            mine.append(Notification(
                recipient=recipient if is_user else None,
                recipient_name=str(name)[:200],
                channel=wanted[0] if wanted else Channel.CONSOLE,
                event=event,
                subject=subject,
                body=body,
                link=link[:300],
                reference=reference[:80],
                organ=organ,
                status=Status.FAILED,
                last_error="no address for any of the channels: " + ", ".join(wanted),
            ))
        rows.extend(mine)
    if not rows:
        return rows
    # One INSERT for every row (the primary keys come back on PostgreSQL and on SQLite ≥ 3.35).
    Notification.objects.bulk_create(rows)
    _deliver_after_commit([row for row in rows if row.status == pending], in_process=in_process)
    return rows


def _in_process() -> bool:
    from gongkai.celery import app

    return bool(app.conf.task_always_eager)


def _deliver_after_commit(rows: list[Notification], *, in_process: bool) -> None:
    """Queue the delivery of new rows for after the commit (a rolled-back change sends nothing).

    With a broker, one task per row (each retries on its own). Without one the rows, written claimed by this
    process, are delivered here right after the commit, all of them together and from the rows in hand: no Celery
    machinery, and one query for them all (mark sent) instead of three per row (claim, read, mark sent). Nothing is
    lost if that delivery fails or the process dies: a failed send is retried like any other, and a claim left behind
    is released by ``send_pending_notifications`` (STALE_CLAIM)."""
    if not rows:
        return
    if in_process:
        transaction.on_commit(lambda: deliver_claimed(rows), robust=True)
        return
    from gongkai.core.tasks import enqueue
    from gongkai.notify.tasks import send_notification

    for row in rows:
        enqueue(send_notification, row.pk)


def claim(pk: int, *, now: dt.datetime | None = None) -> bool:
    """Claim a due row for sending with a conditional UPDATE: of two workers
    (or a task and the periodic command) only one wins."""
    now = now or timezone.now()
    return bool(
        Notification.objects.filter(pk=pk, status__in=PENDING_STATES, next_attempt_at__lte=now).update(
            status=Status.SENDING, claimed_at=now
        )
    )


def deliver(pk: int, *, now: dt.datetime | None = None) -> str:
    """Claim and send one notification. Returns its status afterwards as a
    plain string ("skipped" when another worker had it or it was not due)."""
    if not claim(pk, now=now):
        return "skipped"
    return _send_claimed(Notification.objects.get(pk=pk), now=now)


def deliver_claimed(rows: list[Notification], *, now: dt.datetime | None = None) -> dict[str, int]:
    """Send rows this process claimed when it wrote them (in-process delivery after the commit); the rows sent are
    marked in one UPDATE, a failure is recorded on its row and retried later."""
    counts: dict[str, int] = {}
    sent = []
    for row in rows:
        result = _send_claimed(row, now=now, mark_sent=False)
        if result == "":
            sent.append(row.pk)
            result = Status.SENT.value
        counts[result] = counts.get(result, 0) + 1
    if sent:
        _mark_sent(sent)
    return counts


def _mark_sent(pks: list[int]) -> None:
    Notification.objects.filter(pk__in=pks, status=Status.SENDING).update(
        status=Status.SENT, attempts=F("attempts") + 1, sent_at=timezone.now(), next_attempt_at=None
    )


def _send_claimed(notification: Notification, *, now: dt.datetime | None = None, mark_sent: bool = True) -> str:
    """Send a row this worker has claimed and record the outcome (``""`` when sent and ``mark_sent`` is off)."""
    pk = notification.pk
    try:
        backends.BACKENDS[notification.channel](notification)
    except Exception as exc:  # any failure of the transport is recorded and retried
        attempts = notification.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=pk, status=Status.SENDING).update(
            status=Status.FAILED if gave_up else Status.RETRYING,
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if gave_up else (now or timezone.now()) + backoff(attempts),
        )
        logger.warning("notification %s attempt %s failed: %s", pk, attempts, exc)
        return Status.FAILED.value if gave_up else Status.RETRYING.value
    if not mark_sent:
        return ""
    _mark_sent([pk])
    return Status.SENT.value


def send_pending(*, limit: int = 500, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every due row (first attempts and retries), and release rows whose
    worker died mid-send. Idempotent; safe to run from several workers."""
    now = now or timezone.now()
    released = Notification.objects.stale(STALE_CLAIM, now=now).update(status=Status.RETRYING, next_attempt_at=now)
    counts: dict[str, int] = {"released": released}
    for pk in list(Notification.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        result = deliver(pk, now=now)
        counts[result] = counts.get(result, 0) + 1
    return counts


@transaction.atomic
def requeue(notification: Notification, *, by: User, reason: str = "") -> Notification:
    """Queue a failed notification again (staff action), audited."""
    row = Notification.objects.select_for_update().get(pk=notification.pk)
    if row.status not in (Status.FAILED, Status.RETRYING):
        raise DomainError(_("Only a failed notification can be sent again."), field="status")
    row.status, row.next_attempt_at = Status.QUEUED, timezone.now()
    row.save(update_fields=["status", "next_attempt_at"])
    log_action(row, "notify.requeued", by=by, organ=row.organ, reason=reason, data={"attempts": row.attempts, "last_error": row.last_error})
    from gongkai.core.tasks import enqueue
    from gongkai.notify.tasks import send_notification

    enqueue(send_notification, row.pk)
    return row


def mark_done(reference: str, *, events: Iterable[str] = TASK_EVENTS) -> int:
    """The task the staff notifications about ``reference`` asked for is done (a case answered, a step decided,
    a report published): mark them so. Called by the move that ends the task, beside its audit row; returns
    how many were marked. Notifications already done keep their time."""
    if not reference:
        return 0
    return Notification.objects.filter(
        reference=reference, event__in=list(events), recipient__isnull=False, done_at__isnull=True,
    ).update(done_at=timezone.now())


def mark_read(notification: Notification, *, by: User | AnonymousUser) -> None:
    if notification.recipient_id != getattr(by, "pk", None):
        raise DomainError(_("This is not your notification."), field="notification")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
