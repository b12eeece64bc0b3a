"""Notifications (通知): one row per message per channel, kept for ever.

A row is written by ``gongkai.notify.services.notify`` with its final subject
and body, then delivered by a background job. A failed delivery stays visible:
the row records the attempts and the last error and is retried with
exponential backoff until it is sent or gives up (``failed``), when staff can
queue it again."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.core.fields import EncryptedTextField
from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User


class Channel(models.TextChoices):
    INAPP = "inapp", pgettext_lazy("notification", "In-app")  # 站内消息
    CONSOLE = "console", pgettext_lazy("notification", "Log (console)")  # 日志
    EMAIL = "email", pgettext_lazy("notification", "E-mail")  # 电子邮件
    SMS = "sms", pgettext_lazy("notification", "SMS")  # 短信


class Status(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("notification", "Queued")  # 待发送
    SENDING = "sending", pgettext_lazy("notification", "Sending")  # 发送中
    RETRYING = "retrying", pgettext_lazy("notification", "Failed, will retry")  # 发送失败，将重试
    SENT = "sent", pgettext_lazy("notification", "Sent")  # 已发送
    FAILED = "failed", pgettext_lazy("notification", "Failed")  # 发送失败


PENDING_STATES = (Status.QUEUED, Status.RETRYING)


class NotificationQuerySet(NoDeleteQuerySet):
    def due(self, now: dt.datetime | None = None) -> NotificationQuerySet:
        """Rows waiting to be (re)sent whose time has come."""
        now = now or timezone.now()
        return self.filter(status__in=PENDING_STATES, next_attempt_at__lte=now)

    def stale(self, older_than: dt.timedelta, now: dt.datetime | None = None) -> NotificationQuerySet:
        """Rows claimed by a worker that died before finishing."""
        now = now or timezone.now()
        return self.filter(status=Status.SENDING, claimed_at__lt=now - older_than)

    def inbox(self, user: User | AnonymousUser) -> NotificationQuerySet:
        """A user's in-app notifications, newest first."""
        return self.filter(recipient=user, channel=Channel.INAPP)

    def unread(self, user: User | AnonymousUser) -> NotificationQuerySet:
        """Not read and not done: a notification whose task is done no longer asks for attention."""
        return self.inbox(user).filter(read_at__isnull=True, done_at__isnull=True)

    def problems(self) -> NotificationQuerySet:
        return self.filter(status__in=(Status.RETRYING, Status.FAILED))


class Notification(NoDeleteModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("notification", "recipient"), null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    recipient_name = models.CharField(pgettext_lazy("notification", "recipient name"), max_length=200, blank=True)
    # Personal data: encrypted at rest (gongkai.core.crypto).
    address = EncryptedTextField(pgettext_lazy("notification", "address"), blank=True, help_text=pgettext_lazy("notification", "E-mail address or phone number used."))
    channel = models.CharField(pgettext_lazy("notification", "channel"), max_length=10, choices=Channel.choices)
    event = models.CharField(pgettext_lazy("notification", "event"), max_length=60, db_index=True)
    subject = models.CharField(pgettext_lazy("notification", "subject"), max_length=200)
    body = models.TextField(pgettext_lazy("notification", "text"))
    link = models.CharField(pgettext_lazy("notification", "link"), max_length=300, blank=True)
    reference = models.CharField(
        pgettext_lazy("notification", "about"), max_length=80, blank=True, db_index=True,
        help_text=pgettext_lazy("notification", "The record the message is about, e.g. application:12 (listed on its page)."),
    )
    attachment = models.FileField(
        pgettext_lazy("notification", "attachment"), max_length=300, blank=True,
        help_text=pgettext_lazy("notification", "A stored file sent with an e-mail (e.g. the reply letter)."),
    )
    attachment_name = models.CharField(pgettext_lazy("notification", "attachment name"), max_length=200, blank=True)
    more_attachments = models.JSONField(
        pgettext_lazy("notification", "further attachments"), default=list, blank=True,
        help_text=pgettext_lazy("notification", "Further stored files sent with an e-mail: [storage name, file name] each."),
    )
    organ = models.ForeignKey(
        "organs.Organ", verbose_name=pgettext_lazy("notification", "organ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(pgettext_lazy("notification", "status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(pgettext_lazy("notification", "attempts"), default=0)
    last_error = models.TextField(pgettext_lazy("notification", "last error"), blank=True)
    next_attempt_at = models.DateTimeField(pgettext_lazy("notification", "next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed at"))
    sent_at = models.DateTimeField(pgettext_lazy("notification", "sent at"), null=True, blank=True)
    read_at = models.DateTimeField(pgettext_lazy("notification", "read at"), null=True, blank=True)
    done_at = models.DateTimeField(
        pgettext_lazy("notification", "task done at"), null=True, blank=True,
        help_text=pgettext_lazy("notification", "When the task the notification asked for was done (by whoever did it)."),
    )
    created_at = models.DateTimeField(pgettext_lazy("notification", "created at"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = pgettext_lazy("notification", "notification")
        verbose_name_plural = pgettext_lazy("notification", "notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient", "channel", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_name or self.masked_address}：{self.subject}"

    @property
    def masked_address(self) -> str:
        """The address as lists show it (z***@example.com, 138****5678)."""
        from gongkai.core.masking import mask_email, mask_phone

        return mask_email(self.address) if "@" in (self.address or "") else mask_phone(self.address)
