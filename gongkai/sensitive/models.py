"""Sensitive-content findings: resident ID numbers, mobile numbers, bank
cards, secrecy marks and the configurable word list, found in a text before
it is published (and, later, in what is already online)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel


class SensitiveWord(NoDeleteModel):
    word = models.CharField(_("word"), max_length=50, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class FindingKind(models.TextChoices):
    ID_NUMBER = "id_number", _("Resident ID number")
    MOBILE = "mobile", _("Mobile number")
    BANK_CARD = "bank_card", _("Bank card number")
    SECRECY_MARK = "secrecy_mark", _("Secrecy mark")
    WORD = "word", _("Sensitive word")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("To be resolved")
    FALSE_POSITIVE = "false_positive", _("False positive")
    REDACTION = "redaction", _("To be changed by the author")
    MASKED = "masked", _("Masked")
    SUPERSEDED = "superseded", _("Superseded by a later version")


class Finding(NoDeleteModel):
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject type"))
    subject_id = models.CharField(max_length=64, verbose_name=_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    where = models.CharField(_("found in"), max_length=200)
    match = models.CharField(_("match"), max_length=100)
    context = models.CharField(_("context"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("resolved by"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    resolution_note = models.TextField(_("reason"), blank=True)
    masked_as = models.CharField(_("masked as"), max_length=100, blank=True, help_text=_("What replaced the match when it was masked."))
    found_at = models.DateTimeField(auto_now_add=True, verbose_name=_("found at"))

    class Meta:
        verbose_name = _("sensitive-content finding")
        verbose_name_plural = _("sensitive-content findings")
        ordering = ["subject_type", "subject_id", "version", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "version"])]


class Scan(NoDeleteModel):
    """That a text was scanned, when, and what was found: the page can then tell "nothing found" from "not
    checked yet". ``version`` 0 is the working draft, scanned on every save (its ``hits`` are shown, not
    recorded as findings); a submitted version is scanned when submitted and what it found is its ``Finding``
    rows to resolve."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField(_("version"))
    scanned_at = models.DateTimeField(_("scanned at"))
    hits = models.JSONField(_("what was found"), default=list, blank=True)

    class Meta:
        verbose_name = _("sensitive-content scan")
        verbose_name_plural = _("sensitive-content scans")
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id", "version"], name="sensitive_scan_once_per_version")]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.version == 0

    def hit_list(self) -> list[dict]:
        """The draft's hits with the name of their kind."""
        return [{**hit, "label": FindingKind(hit["kind"]).label} for hit in self.hits]
