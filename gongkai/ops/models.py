from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel


class FingerprintArea(models.TextChoices):
    STATIC = "static", _("Static files")
    MEDIA = "media", _("Published attachment")


class FingerprintState(models.TextChoices):
    OK = "ok", _("Unchanged")
    CHANGED = "changed", _("Changed")
    MISSING = "missing", _("Missing")
    RESTORED = "restored", _("Restored")
    RETIRED = "retired", _("No longer public")


class FileFingerprint(NoDeleteModel):
    """The SHA-256 of one publicly served file (网页防篡改): a collected static file or an attachment of a
    published item, with a kept copy of the content (``FINGERPRINT_COPY_DIR``) to put back when it is changed."""

    BAD_STATES = (FingerprintState.CHANGED, FingerprintState.MISSING)

    area = models.CharField(_("area"), max_length=10, choices=FingerprintArea.choices)
    path = models.CharField(_("path"), max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=FingerprintState.choices, default=FingerprintState.OK)
    has_copy = models.BooleanField(_("copy kept"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    changed_at = models.DateTimeField(_("found changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("file fingerprint")
        verbose_name_plural = _("file fingerprints")
        constraints = [models.UniqueConstraint(fields=["area", "path"], name="fingerprint_unique_path")]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.area}:{self.path}"
