"""Delivery backends: one function per channel, ``send(notification)``.
A backend raises ``DeliveryError`` (or any exception) when the message was not
accepted; the caller records the error and retries later.

SMS gateway contract (any provider, behind a small adapter service if needed)::

    POST {SMS_GATEWAY_URL}
    Authorization: Bearer {SMS_GATEWAY_TOKEN}
    Content-Type: application/json; charset=utf-8

    {"phone": "13800138000", "text": "【某市教育局】您的申请…", "id": "<notification id>"}

Any 2xx status means the gateway accepted the message; anything else (or no
answer within ``SMS_GATEWAY_TIMEOUT`` seconds, default 10) is a failure that
is retried. ``id`` lets the gateway drop a duplicate of a message it already sent.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

if TYPE_CHECKING:
    from gongkai.notify.models import Notification

logger = logging.getLogger("gongkai.notify")


class DeliveryError(Exception):
    pass


def send_console(notification: Notification) -> None:
    logger.info(
        "notification %s to %s <%s>: %s\n%s",
        notification.pk,
        notification.recipient_name,
        notification.address,
        notification.subject,
        notification.body,
    )


def send_email(notification: Notification) -> None:
    if not notification.address:
        raise DeliveryError("no e-mail address")
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body + (f"\n\n{notification.link}" if notification.link else ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
    )
    if notification.attachment:
        with notification.attachment.open("rb") as stored:
            filename = notification.attachment_name or notification.attachment.name.rsplit("/", 1)[-1]
            message.attach(filename, stored.read(), _mime(notification.attachment.name))
    for name, filename in notification.more_attachments or []:
        with notification.attachment.storage.open(name, "rb") as stored:
            message.attach(filename, stored.read(), _mime(name))
    if message.send(fail_silently=False) != 1:
        raise DeliveryError("the mail server did not accept the message")


def _mime(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def send_sms(notification: Notification) -> None:
    url = getattr(settings, "SMS_GATEWAY_URL", None)
    if not url:
        raise DeliveryError("SMS_GATEWAY_URL is not set")
    if not notification.address:
        raise DeliveryError("no phone number")
    payload = json.dumps({"phone": notification.address, "text": notification.body, "id": str(notification.pk)}, ensure_ascii=False)
    request = urllib.request.Request(
        url,
        data=payload.encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {getattr(settings, 'SMS_GATEWAY_TOKEN', '') or ''}",
        },
    )
    timeout = float(getattr(settings, "SMS_GATEWAY_TIMEOUT", 10))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL from settings)
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace")
        raise DeliveryError(f"SMS gateway answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"SMS gateway unreachable: {exc}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"SMS gateway answered {status}")


def send_inapp(notification: Notification) -> None:
    """Nothing to deliver: the row is the message, shown in the workspace."""


BACKENDS = {
    "console": send_console,
    "email": send_email,
    "sms": send_sms,
    "inapp": send_inapp,
}
