"""The message box (政民互动 · 咨询投诉): messages from the public to one organ, answered on time and, with the
citizen's consent, published with the question.

A ``Message`` carries the facts its reply clock depends on (``received_on``, ``reply_days``, the extension, a
second handling after an unsatisfied rating) and the deadline computed from them (``due_on``), recomputable at
any time. Its ``status`` moves only through ``interaction.services`` (the table in ``interaction.workflow``, a
row lock and an audit row per move).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.fields import BlindIndexField, EncryptedTextField
from gongkai.core.models import FileCheck, NoDeleteModel, NoDeleteQuerySet
from gongkai.workdays import due_dates

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User

DEFAULT_REPLY_DAYS = 5


class MessageType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")  # 咨询
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    SUGGESTION = "suggestion", _("Suggestion")  # 建议
    HELP = "help", _("Request for help")  # 求助


class Channel(models.TextChoices):
    WEB = "web", _("Online form")  # 网上留言
    HOTLINE = "hotline", _("Hotline")  # 热线电话（12345、政风行风热线）
    LETTER = "letter", _("Letter")  # 来信
    VISIT = "visit", _("Visit")  # 来访


class Status(models.TextChoices):
    RECEIVED = "received", _("Waiting to be accepted")  # 待受理
    ACCEPTED = "accepted", _("Being handled")  # 办理中
    IN_SIGNOFF = "in_signoff", _("Reply in sign-off")  # 答复审核中
    APPROVED = "approved", _("Reply approved, to be sent")  # 答复已审定
    ANSWERED = "answered", _("Answered")  # 已答复
    REFUSED = "refused", _("Not accepted")  # 不予受理
    TRANSFERRED = "transferred", _("Transferred to another organ")  # 已转办


# States in which the reply clock runs.
OPEN_STATES = (Status.RECEIVED, Status.ACCEPTED, Status.IN_SIGNOFF, Status.APPROVED)


class RefusalReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")  # 垃圾信息
    ABUSIVE = "abusive", _("Abusive content")  # 辱骂、攻击
    DUPLICATE = "duplicate", _("Duplicate of an earlier message")  # 重复
    ELSEWHERE = "elsewhere", _("A matter for a body outside this platform")  # 不属于本平台受理范围


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    FAIRLY = "fairly", _("Fairly satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意


class MessageBoxSettings(models.Model):
    """An organ's settings for its message box (its reply period, whether contact details are required)."""

    organ = models.OneToOneField("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    reply_days = models.PositiveSmallIntegerField(_("working days to reply"), default=DEFAULT_REPLY_DAYS)
    contact_required = models.BooleanField(_("name and phone or e-mail required"), default=False)

    class Meta:
        verbose_name = _("message box settings")
        verbose_name_plural = _("message box settings")

    def __str__(self) -> str:
        return str(self.organ)


class MessageQuerySet(NoDeleteQuerySet):
    def open(self) -> MessageQuerySet:
        return self.filter(status__in=OPEN_STATES)

    def overdue(self, today: dt.date | None = None) -> MessageQuerySet:
        """Open messages whose reply deadline has passed (超期未答复)."""
        return self.filter(due_dates.overdue("due_on", today), status__in=OPEN_STATES)

    def due_within(self, days: int, today: dt.date | None = None) -> MessageQuerySet:
        """Open messages due within ``days`` working days (today included, overdue excluded)."""
        return self.filter(due_dates.due_within("due_on", days, today), status__in=OPEN_STATES)

    def waiting_for(self, user: User | AnonymousUser) -> MessageQuerySet:
        """Open messages on which ``user`` must act: assigned to them, or a reply waiting at a sign-off step they hold."""
        from gongkai.interaction.services import SIGNOFF_KIND
        from gongkai.signoff.models import Signoff

        if not getattr(user, "is_authenticated", False):
            return self.none()
        signoffs = Signoff.objects.waiting_for(user).filter(kind=SIGNOFF_KIND).values_list("pk", flat=True)
        return self.filter(models.Q(assignee=user, status__in=OPEN_STATES)
                           | models.Q(signoff__in=list(signoffs), status=Status.IN_SIGNOFF))

    def published(self) -> MessageQuerySet:
        """Answered messages shown on the portal with their reply (公开的问答)."""
        return self.filter(status=Status.ANSWERED, published=True)


class Message(NoDeleteModel):
    """群众来信: one message to one organ's message box."""

    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("message number"), max_length=40, unique=True)  # 留言编号
    secret = models.CharField(
        _("query code (hashed)"), max_length=64, editable=False,
        help_text=_("SHA-256 of the query code given to the citizen; compared in constant time."),
    )
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=20, choices=MessageType.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    subject = models.CharField(_("subject"), max_length=100)
    content = models.TextField(_("content"))
    # Personal data: encrypted at rest (gongkai.core.crypto); the blind index answers "same phone?".
    name = EncryptedTextField(_("name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_bidx = BlindIndexField(source="phone", purpose="phone")
    email = EncryptedTextField(_("e-mail"), blank=True)
    publish_consent = models.BooleanField(_("may be published with its reply"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    department = models.ForeignKey(
        "organs.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField(_("reason for not accepting"), max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_note = models.TextField(_("explanation to the citizen"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transferred_to = models.ForeignKey(
        "self", verbose_name=_("transferred to"), null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_from"
    )

    # The clock: received_on + reply_days working days (+ extension), restarted by a second handling.
    received_on = models.DateField(_("date of receipt"))
    reply_days = models.PositiveSmallIntegerField(_("working days to reply"), default=DEFAULT_REPLY_DAYS)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
    due_on = models.DateField(_("reply due on"), null=True, blank=True)
    # Claimed by the daily job (a conditional UPDATE), so a rerun or a second worker sends nothing twice.
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True, editable=False)
    escalated_on = models.DateField(_("escalated to the office on"), null=True, blank=True, editable=False)
    flagged_on = models.DateField(_("flagged as long unanswered on"), null=True, blank=True, editable=False)

    reply_text = models.TextField(_("reply"), blank=True)
    reply_version = models.PositiveIntegerField(default=0, editable=False)
    reply_hash = models.CharField(max_length=64, blank=True, editable=False)
    signoff = models.ForeignKey(
        "signoff.Signoff", verbose_name=_("sign-off"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    # What the portal shows, fixed when published: personal data found by the scanner masked (gongkai.core.masking).
    public_content = models.TextField(_("content as published"), blank=True)
    public_reply = models.TextField(_("reply as published"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("comment on the reply"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MessageQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["organ", "status", "due_on"], name="message_queue"),
            models.Index(fields=["organ", "published", "status", "-replied_at"], name="message_published"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def was_reopened(self) -> bool:
        return self.reopened_on is not None

    @property
    def awaits_rating(self) -> bool:
        """The citizen may rate the reply: answered and not rated yet — or answered again after a second handling."""
        if self.status != Status.ANSWERED:
            return False
        if not self.rating:
            return True
        return bool(self.was_reopened and self.rated_at and self.replied_at and self.replied_at > self.rated_at)


def attachment_path(instance: MessageAttachment, filename: str) -> str:
    """A random name in a folder per organ and year; the original name is ``MessageAttachment.name``."""
    from gongkai.core.files import random_name

    return random_name("interaction", instance.message.organ_id, filename)


class MessageAttachment(NoDeleteModel):
    """A file the citizen sent with a message (the upload rules of the platform: checked by content and size,
    quarantined until its virus scan when a scanner is configured)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    check_state = models.CharField(_("check"), max_length=10, choices=FileCheck.choices, default=FileCheck.PENDING)
    check_note = models.CharField(_("check result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_clean(self) -> bool:
        """Only a checked file may be served."""
        return self.check_state == FileCheck.CLEAN
