from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoDeleteQuerySet(models.QuerySet):
    """Nothing is hard-deleted: records change state instead (repealed,
    withdrawn, closed). Bulk deletion is refused as loudly as single deletion."""

    def delete(self):
        raise RuntimeError(f"{self.model.__name__} rows are never deleted; change their state instead")


class NoDeleteModel(models.Model):
    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} rows are never deleted; change their state instead")


class FileCheck(models.TextChoices):
    """Where an uploaded file stands: quarantined (stored, neither served nor read) until checked."""

    PENDING = "pending", _("Being checked")
    CLEAN = "clean", _("Checked")
    INFECTED = "infected", _("Refused: malware found")


class AuditEvent(models.Model):
    """One row per state change: who did what to which record, when and why.
    This is the proof of 谁审核谁负责. Written only by gongkai.core.audit.log_action."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    organ = models.ForeignKey(
        "organs.Organ", verbose_name=_("organ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        from gongkai.core.audit import action_label

        return action_label(self.action)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are never deleted")
