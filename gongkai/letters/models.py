"""An organ's own wording of a notice letter (告知书模板).

The letter used for (organ, kind) is the organ's active template, else the
platform-wide one (``organ`` empty, set by an administrator), else the default
in ``gongkai.letters.defaults``. Changes are audited with the old and the new
text; nothing is deleted (going back to the default deactivates the row)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from gongkai.core.models import NoDeleteModel


class LetterTemplate(NoDeleteModel):
    organ = models.ForeignKey(
        "organs.Organ",
        verbose_name=pgettext_lazy("letter", "organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=pgettext_lazy("letter", "Empty: the platform-wide wording used by organs without their own."),
    )
    kind = models.CharField(pgettext_lazy("letter", "letter"), max_length=60)
    title = models.CharField(pgettext_lazy("letter", "title"), max_length=100)
    body = models.TextField(pgettext_lazy("letter", "text"), help_text=pgettext_lazy("letter", "One paragraph per line. Placeholders like {{applicant}} are filled in."))
    is_active = models.BooleanField(pgettext_lazy("letter", "in use"), default=True)
    updated_at = models.DateTimeField(pgettext_lazy("letter", "changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("letter", "changed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("letter", "letter template")
        verbose_name_plural = pgettext_lazy("letter", "letter templates")
        ordering = ["organ", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "kind"], name="lettertemplate_unique_organ_kind"),
            models.UniqueConstraint(fields=["kind"], condition=Q(organ__isnull=True), name="lettertemplate_unique_platform_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.organ or '—'} · {self.kind}"


class LetterCounter(models.Model):
    """The last letter number (文号) given per organ and year (``organs.serials.take``: unique and gap-free)."""

    organ = models.ForeignKey("organs.Organ", on_delete=models.PROTECT, related_name="+", verbose_name=pgettext_lazy("letter", "organ"))
    year = models.PositiveSmallIntegerField(pgettext_lazy("letter", "year"))
    last_serial = models.PositiveIntegerField(pgettext_lazy("letter", "last number"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("letter", "letter number counter")
        verbose_name_plural = pgettext_lazy("letter", "letter number counters")
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="lettercounter_unique")]
