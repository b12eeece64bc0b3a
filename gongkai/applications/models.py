"""Disclosure on application (依申请公开): one register for every channel.

An ``Application`` carries the facts the statutory clock depends on (the Art. 31
date of receipt, correction, consultations, extension, fee periods) and the
deadline computed from them (``due_on`` + ``due_explanation``), recomputable at
any time. Its ``status`` (``states.Status``) moves only through ``services``,
which ask the table of moves (``workflow.MOVES``), lock the row and write an
audit row per move.

The annual report counts from these names: ``received_on``,
``closed_on``, ``outcome``, ``applicant_type`` and ``Application.objects.reportable()``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.applications.states import CLOCK_STATES, FINAL_STATES, RUNNING_STATES, Status  # noqa: F401 (named from here too)
from gongkai.applications.taxonomy import AppealKind, AppealResult, ApplicantType, Outcome
from gongkai.applications.workflow import MOVES
from gongkai.core.fields import BlindIndexField, EncryptedTextField
from gongkai.core.masking import mask
from gongkai.core.models import FileCheck, NoDeleteModel, NoDeleteQuerySet
from gongkai.workdays import due_dates

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User


class Channel(models.TextChoices):
    WEB = "web", _("Online form")  # 网上申请
    LETTER = "letter", _("Letter")  # 信函
    FAX = "fax", _("Fax")  # 传真
    IN_PERSON = "in_person", _("In person")  # 当面提交
    ORAL = "oral", _("Oral (transcribed by staff)")  # 口头申请（代为填写）
    EMAIL = "email", _("E-mail")  # 电子邮件
    API = "api", _("Other channel via the API")  # 微信、微博等渠道


# Channels whose date of receipt is the day both sides confirm (Art. 31).
CONFIRMED_CHANNELS = {Channel.WEB, Channel.FAX, Channel.EMAIL, Channel.API}


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")  # 居民身份证
    PASSPORT = "passport", _("Passport")  # 护照
    HK_MACAO_TAIWAN = "hmt_permit", _("Travel permit (Hong Kong, Macao, Taiwan)")  # 港澳台通行证
    CREDIT_CODE = "credit_code", _("Unified social credit code")  # 统一社会信用代码
    OTHER = "other", _("Other document")


class FormWanted(models.TextChoices):
    PAPER = "paper", _("Paper")  # 纸质
    ELECTRONIC = "electronic", _("Electronic")  # 电子


class DeliveryMethod(models.TextChoices):
    POST = "post", _("By post")  # 邮寄
    EMAIL = "email", _("By e-mail")  # 电子邮件
    IN_PERSON = "in_person", _("Collected in person")  # 当面领取
    ONLINE = "online", _("Online download")  # 网上获取


class TrackingCounter(models.Model):
    """The last serial given per organ and year; the row is locked while a
    number is taken so numbers are unique and consecutive under concurrency."""

    organ = models.ForeignKey("organs.Organ", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="trackingcounter_unique")]


class ApplicationQuerySet(NoDeleteQuerySet):
    def reportable(self) -> ApplicationQuerySet:
        """Applications the annual report counts: received (date of receipt
        known) and not merged into another, not spam, not still unconfirmed."""
        return self.filter(received_on__isnull=False).exclude(
            status__in=[Status.MERGED, Status.SPAM, Status.AWAITING_CONFIRMATION]
        )

    def running(self) -> ApplicationQuerySet:
        return self.filter(status__in=RUNNING_STATES)

    def overdue(self, today: dt.date | None = None) -> ApplicationQuerySet:
        """Running applications whose reply deadline has passed (超期)."""
        return self.filter(due_dates.overdue("due_on", today), status__in=CLOCK_STATES)

    def due_within(self, days: int, today: dt.date | None = None) -> ApplicationQuerySet:
        """Running applications due within ``days`` working days (today included, overdue excluded)."""
        return self.filter(due_dates.due_within("due_on", days, today), status__in=CLOCK_STATES)

    def waiting_for(self, user: User | AnonymousUser) -> ApplicationQuerySet:
        """Running applications on which ``user`` must act: assigned to them,
        unclaimed in an organ or department where they handle applications, or
        a reply waiting for their sign-off step."""
        from gongkai.organs.models import Role
        from gongkai.organs.permissions import memberships
        from gongkai.signoff.models import Signoff

        if not getattr(user, "is_authenticated", False):
            return self.none()
        condition = Q(assignee=user, status__in=RUNNING_STATES)
        whole, departments, confirming = set(), set(), set()  # one term per scope, however many roles give it
        handlers = set(MOVES["claim"].roles)  # unclaimed work waits for whoever may claim it
        # an unconfirmed application waits for whoever may settle it either way (confirm it, or mark it spam)
        settlers = set(MOVES["confirm_receipt"].roles) & set(MOVES["mark_spam"].roles)
        for m in memberships(user):
            if m.role in handlers:
                if m.department_id and m.role != Role.DISCLOSURE_OFFICE:
                    departments.add((m.organ_id, m.department_id))
                else:
                    whole.add(m.organ_id)
            if m.role in settlers:
                confirming.add(m.organ_id)
        if whole:
            condition |= Q(organ_id__in=sorted(whole), assignee__isnull=True, status__in=RUNNING_STATES)
        for organ_id, department_id in sorted(departments):
            if organ_id not in whole:
                condition |= Q(organ_id=organ_id, department_id=department_id, assignee__isnull=True, status__in=RUNNING_STATES)
        if confirming:
            condition |= Q(organ_id__in=sorted(confirming), status__in=sorted(MOVES["confirm_receipt"].sources))
        signoff_ids = Signoff.objects.waiting_for(user).filter(kind="reply").values_list("subject_id", flat=True)
        reply_ids = [int(i) for i in signoff_ids]
        if reply_ids:
            # A subquery, not a join: no row comes twice, so no DISTINCT over the register is needed.
            replies = Reply.objects.filter(pk__in=reply_ids).values("application_id")
            condition |= Q(pk__in=replies, status=Status.IN_SIGNOFF)
        return self.filter(condition)


class Application(NoDeleteModel):
    """政府信息公开申请: one application in the register, whatever its channel."""

    organ = models.ForeignKey(
        "organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    tracking_number = models.CharField(_("tracking number"), max_length=60, unique=True)  # 申请编号
    secret = models.CharField(
        _("case page secret (hashed)"), max_length=64, editable=False,
        help_text=_("SHA-256 of the secret given to the applicant; compared in constant time."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    api_channel = models.ForeignKey(
        "credentials.Credential", verbose_name=_("API channel"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    external_reference = models.CharField(_("reference in the channel"), max_length=100, blank=True)
    form_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False, verbose_name=_("form token"))

    # Applicant (申请人) — Art. 29 (一)
    applicant_type = models.CharField(_("applicant type"), max_length=20, choices=ApplicantType.choices)
    applicant_name = models.CharField(_("name"), max_length=200)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices)
    # Personal data: encrypted at rest (gongkai.core.crypto); the blind indexes answer "same ID number / phone?".
    id_number = EncryptedTextField(_("document number"))
    id_number_bidx = BlindIndexField(source="id_number", purpose="id_number", verbose_name=_("ID number index"))
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_bidx = BlindIndexField(source="phone", purpose="phone", verbose_name=_("phone index"))
    email = EncryptedTextField(_("e-mail"), blank=True)
    address = EncryptedTextField(_("postal address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant account"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )

    # Information sought (所需信息) — Art. 29 (二), (三)
    subject = models.CharField(_("information sought (title)"), max_length=300)
    document_number = models.CharField(_("document number (发文字号)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    form_wanted = models.CharField(_("form wanted"), max_length=20, choices=FormWanted.choices)
    delivery_method = models.CharField(_("delivery wanted"), max_length=20, choices=DeliveryMethod.choices)

    # Receipt and state
    submitted_at = models.DateTimeField(_("arrived at"), auto_now_add=True)
    received_on = models.DateField(_("date of receipt"), null=True, blank=True, db_index=True)  # Art. 31
    receipt_note = models.CharField(_("how the date of receipt was set"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    outcome = models.CharField(_("outcome"), max_length=40, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, db_index=True)

    # The clock
    clock_start = models.DateField(_("clock starts after"), null=True, blank=True)  # receipt, or receipt of the correction
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    due_explanation = models.JSONField(_("how the deadline was computed"), default=dict, blank=True)
    internal_due_on = models.DateField(_("internal target for the draft reply"), null=True, blank=True)
    correction_notice_due_on = models.DateField(_("correction notice due"), null=True, blank=True)
    correction_requested_on = models.DateField(_("correction requested on"), null=True, blank=True)
    correction_deadline = models.DateField(_("correction due from the applicant"), null=True, blank=True)
    correction_text = models.TextField(_("what to correct"), blank=True)
    corrected_on = models.DateField(_("correction received on"), null=True, blank=True)
    correction_response = models.TextField(_("the applicant's correction"), blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("extension approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    extended_on = models.DateField(_("extended on"), null=True, blank=True)

    # Handling
    department = models.ForeignKey(
        "organs.Department", verbose_name=_("responsible department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    is_petition_suspected = models.BooleanField(_("looks like a petition or complaint"), default=False)  # 信访举报投诉
    is_volume_flagged = models.BooleanField(_("volume or frequency beyond a reasonable range (Art. 35)"), default=False)
    possible_duplicate_of = models.ForeignKey(
        "self", verbose_name=_("possible repeat of"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
        db_index=False,
    )
    split_from = models.ForeignKey(
        "self", verbose_name=_("split from"), null=True, blank=True, on_delete=models.PROTECT, related_name="split_into",
        db_index=False,
    )

    # Delivery (送达)
    delivered_via = models.CharField(_("delivered via"), max_length=20, choices=DeliveryMethod.choices, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_reference = models.CharField(_("postal tracking number or signature"), max_length=100, blank=True)

    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["organ", "status", "due_on"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["organ", "received_on"]),
            models.Index(fields=["organ", "closed_on"]),
            # The applicant's earlier applications (repeat and volume checks) by the ID number's blind index.
            models.Index(fields=["id_number_bidx", "organ"], name="app_applicant"),
            models.Index(fields=["phone_bidx"], condition=~models.Q(phone_bidx=""), name="app_phone_set"),
            # The staff queues (running / overdue / due soon) read only the ~5 % of rows still running,
            # in deadline order: a partial index keeps them one small index range at 1,000,000 applications.
            # The status last: it does not change the order, and counts of the overdue and due-soon views (which ask
            # for the states whose clock runs, a subset) are then answered from the index alone.
            models.Index(fields=["organ", "due_on", "id", "status"], condition=models.Q(status__in=RUNNING_STATES),
                         name="app_running_due"),
            # The same across organs, for those who read many (a government's disclosure office reads every organ
            # below it): the rows come in deadline order and the organ is checked on each, so a page stops after 20.
            models.Index(fields=["due_on", "id"], condition=models.Q(status__in=RUNNING_STATES), name="app_running_due_all"),
            # Every index is written on each insert and on each change of a deadline or state (recomputing a calendar
            # rewrites tens of thousands of rows). So: no index on organ, status or due_on alone (the indexes above
            # lead with them where a query needs them), none on assignee alone (assignee, status), and the references
            # that are empty on nearly every row are indexed only where they are set — an equality lookup
            # (``merged_into=x``, ``user=u``) still uses them.
            *[models.Index(fields=[name], condition=models.Q(**{f"{name}__isnull": False}), name=f"app_{short}_set")
              for name, short in (("api_channel", "channel"), ("user", "user"), ("registered_by", "registrar"),
                                  ("extension_approved_by", "ext_approver"), ("department", "department"),
                                  ("possible_duplicate_of", "repeat_of"), ("merged_into", "merged_into"),
                                  ("split_from", "split_from"))],
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.subject[:40]}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number, keep_start=4 if self.id_type != IdType.CREDIT_CODE else 6, keep_end=4)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4)


class AttachmentPurpose(models.TextChoices):
    ID_COPY = "id_copy", _("Copy of identity document")
    APPLICATION = "application", _("Scan of the written application")
    CORRECTION = "correction", _("Submitted with the correction")
    OTHER = "other", _("Other")


def attachment_path(instance: ApplicationAttachment, filename: str) -> str:
    """A random name in a folder per organ and year; the original name is ``ApplicationAttachment.name``."""
    from gongkai.core.files import random_name

    return random_name("applications", instance.application.organ_id, filename)


class ApplicationAttachment(NoDeleteModel):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveIntegerField(_("size"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=AttachmentPurpose.choices, default=AttachmentPurpose.OTHER)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Quarantine: with clamd configured a file waits for its virus scan in a background job.
    check_state = models.CharField(_("check"), max_length=10, choices=FileCheck.choices, default=FileCheck.PENDING)
    check_note = models.CharField(_("check result"), max_length=200, blank=True)

    @property
    def is_clean(self) -> bool:
        """Only a checked file may be served or read."""
        return self.check_state == FileCheck.CLEAN

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class Note(NoDeleteModel):
    """An internal note (内部备注), never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]


class ConsultationKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("Third party (Art. 32)")  # 征求第三方意见
    OTHER_AGENCY = "other_agency", _("Other agency (Art. 34)")  # 征求其他机关意见


class ConsultationAnswer(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    AGREES = "agrees", _("Agrees to disclosure")
    OBJECTS = "objects", _("Objects to disclosure")
    SILENT = "silent", _("No answer in time")


class Consultation(NoDeleteModel):
    """A consultation; the time it runs does not count toward the deadline (Art. 33)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("kind"), max_length=20, choices=ConsultationKind.choices)
    party = models.CharField(_("consulted party"), max_length=200)
    question = models.TextField(_("question"), blank=True)
    sent_on = models.DateField(_("sent on"))
    answer_due_on = models.DateField(_("answer due"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=20, choices=ConsultationAnswer.choices, default=ConsultationAnswer.PENDING)
    answer_text = models.TextField(_("answer text"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["sent_on", "id"]


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_SIGNOFF = "in_signoff", _("In sign-off")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    SENT = "sent", _("Sent")
    WITHDRAWN = "withdrawn", _("Withdrawn with the application")


class Reply(NoDeleteModel):
    """答复: one version of the decision on an application, signed off as a whole."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="replies")
    version = models.PositiveIntegerField(_("version"))
    outcome = models.CharField(_("outcome"), max_length=40, choices=Outcome.choices)
    legal_basis = models.TextField(_("legal basis"))
    body = models.TextField(_("reply text"))
    documents_provided = models.TextField(_("documents or excerpts provided"), blank=True)
    other_organ = models.CharField(_("organ that holds the information"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT)
    content_hash = models.CharField(max_length=64)
    # The released files as they went to sign-off: id, name, size, SHA-256 (and the redacted copy's); checked
    # again, byte for byte, when the reply is released.
    files_manifest = models.JSONField(_("released files as signed off"), default=list, blank=True)
    signoff = models.ForeignKey("signoff.Signoff", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["application", "version"]
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="reply_unique_version")]

    def __str__(self) -> str:
        return f"{self.application.tracking_number} " + _("v%(n)s") % {"n": self.version}


def released_file_path(instance: ReleasedFile, filename: str) -> str:
    """A random name in a folder per organ and year; the original name is ``ReleasedFile.name``."""
    from gongkai.core.files import random_name

    return random_name("released", instance.application.organ_id, filename)


class ReleasedFileQuerySet(NoDeleteQuerySet):
    def current(self) -> ReleasedFileQuerySet:
        """The files still part of the reply (a removed one is kept, with who removed it and why)."""
        return self.filter(removed_at__isnull=True)


class ReleasedFile(NoDeleteModel):
    """发布文件（随复函提供的信息）: a document released to the applicant with the reply — an uploaded file, with
    its redacted copy where part of it is withheld (部分公开), or a published catalogue item picked from the
    catalogue. Only the redacted copy, when there is one, ever reaches the applicant. The list of current files
    with their SHA-256 is frozen into the reply when it goes to sign-off (``Reply.files_manifest``)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="released_files")
    item = models.ForeignKey("catalogue.Item", verbose_name=_("catalogue item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=released_file_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=10, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    check_state = models.CharField(_("check"), max_length=10, choices=FileCheck.choices, default=FileCheck.PENDING)
    check_note = models.CharField(_("check result"), max_length=200, blank=True)
    needs_redaction = models.BooleanField(_("to be released in part (redacted copy needed)"), default=False)
    redacted_file = models.FileField(_("redacted copy"), upload_to=released_file_path, max_length=300, blank=True)
    redacted_name = models.CharField(_("redacted copy's name"), max_length=200, blank=True)
    redacted_kind = models.CharField(_("redacted copy's type"), max_length=10, blank=True)
    redacted_size = models.PositiveBigIntegerField(_("redacted copy's size"), default=0)
    redacted_sha256 = models.CharField(_("redacted copy's SHA-256"), max_length=64, blank=True)
    redacted_check_state = models.CharField(_("redacted copy's check"), max_length=10, choices=FileCheck.choices, blank=True)
    redacted_check_note = models.CharField(_("redacted copy's check result"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for the removal"), max_length=300, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    available_until = models.DateTimeField(_("downloadable until"), null=True, blank=True)

    objects = ReleasedFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("released file")
        verbose_name_plural = _("released files")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_item(self) -> bool:
        return self.item_id is not None

    @property
    def has_redacted_copy(self) -> bool:
        return bool(self.redacted_file)

    @property
    def scan_version(self) -> int:
        """The version the sensitive-content findings of the copy that goes out are recorded under."""
        return 2 if self.has_redacted_copy else 1

    @property
    def is_cleared(self) -> bool:
        """Every stored copy passed the virus scan (a picked catalogue item was checked when it was published)."""
        if self.is_item:
            return True
        return self.check_state == FileCheck.CLEAN and (not self.has_redacted_copy or self.redacted_check_state == FileCheck.CLEAN)

    def outgoing(self) -> tuple[Any, str, str, int]:
        """(stored file, name, SHA-256, size) of what the applicant receives: the redacted copy when there is one."""
        if self.has_redacted_copy:
            return self.redacted_file, self.redacted_name, self.redacted_sha256, self.redacted_size
        return self.file, self.name, self.sha256, self.size

    def manifest_entry(self) -> dict:
        """What the sign-off pins of this file."""
        entry: dict = {"id": self.pk, "name": self.name}
        if self.is_item:
            entry["item"] = self.item_id
            return entry
        entry.update(size=self.size, sha256=self.sha256, needs_redaction=self.needs_redaction)
        if self.has_redacted_copy:
            entry["redacted"] = {"name": self.redacted_name, "size": self.redacted_size, "sha256": self.redacted_sha256}
        return entry


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", _("Acknowledgement of receipt")  # 受理回执
    CORRECTION = "correction", _("Correction notice")  # 补正告知书
    EXTENSION = "extension", _("Extension notice")  # 延期答复告知书
    THIRD_PARTY = "third_party", _("Third-party consultation letter")  # 征求第三方意见书
    FEE = "fee", _("Fee notice")  # 收费通知书
    REPLY = "reply", _("Reply")  # 答复告知书


def letter_path(instance: CaseLetter, filename: str) -> str:
    """A random name in a folder per organ and year; the download name is ``CaseLetter.name`` and the extension."""
    from gongkai.core.files import random_name

    return random_name("letters", instance.application.organ_id, filename)


class CaseLetter(NoDeleteModel):
    """A letter generated for the case (告知书), kept with it."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    letter_kind = models.CharField(_("letter template"), max_length=60)
    number = models.CharField(_("letter number"), max_length=80, blank=True)  # 文号
    docx = models.FileField(upload_to=letter_path, max_length=300)
    pdf = models.FileField(upload_to=letter_path, max_length=300, blank=True)
    name = models.CharField(
        _("file name"), max_length=200, blank=True, help_text=_("The name the files are downloaded under, without the extension.")
    )
    text = models.TextField(_("text"))
    for_applicant = models.BooleanField(_("shown to the applicant"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at", "id"]

    def download_name(self, fmt: str) -> str:
        """The file name the applicant and staff receive: the letter's name and the format."""
        base = self.name or f"{self.application.tracking_number}-{self.kind}"
        return f"{base}.{fmt}"


class FeeScheme(models.TextChoices):
    PER_APPLICATION = "per_application", _("Per application (counted per applicant per month)")  # 按件计收
    PER_PAGE = "per_page", _("Per page")  # 按量计收


class FeeStatus(models.TextChoices):
    NOTIFIED = "notified", _("Notice sent, waiting for payment")
    PAID = "paid", _("Paid")
    UNPAID = "unpaid", _("Not paid in time")
    WAIVED = "waived", _("Waived")


class Fee(NoDeleteModel):
    """信息处理费: at most one scheme per application."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="fee")
    scheme = models.CharField(_("scheme"), max_length=20, choices=FeeScheme.choices)
    quantity = models.PositiveIntegerField(_("pages or position in the month"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    explanation = models.JSONField(_("how the fee was computed"), default=dict)
    notified_on = models.DateField(_("notice sent on"))
    pay_by = models.DateField(_("pay by"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FeeStatus.choices, default=FeeStatus.NOTIFIED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("information-processing fee")
        verbose_name_plural = _("information-processing fees")


class Appeal(NoDeleteModel):
    """行政复议 or 行政诉讼 against a decision, with its result (table 四)."""

    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="appeals")
    application = models.ForeignKey(
        Application, verbose_name=_("application"), null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AppealKind.choices)
    result = models.CharField(_("result"), max_length=20, choices=AppealResult.choices, default=AppealResult.PENDING)
    filed_on = models.DateField(_("filed on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    case_number = models.CharField(_("case number"), max_length=100, blank=True)
    body = models.CharField(_("reviewing body or court"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("registered at"))

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["organ", "filed_on"]), models.Index(fields=["organ", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number}".strip()


class ReminderSent(models.Model):
    """Claims one reminder (application, kind, due date) so the periodic job
    never sends it twice, however often it runs."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "kind", "due_on"], name="remindersent_unique")]
