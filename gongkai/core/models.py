from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoDeleteQuerySet(models.QuerySet):
    """Nothing is hard-deleted: records change state instead (repealed,
    withdrawn, closed). Bulk deletion is refused as loudly as single deletion."""

    def delete(self):
        raise RuntimeError(f"{self.model.__name__} rows are never deleted; change their state instead")


class NoDeleteModel(models.Model):
    # A subclass with a manager of its own marks it `# type: ignore[misc]`: the Django stubs take a manager
    # declared on an abstract base for a class variable the subclass may not replace (django-stubs #1713).
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


class AuditQuerySet(NoDeleteQuerySet):
    """Audit rows are appended through ``gongkai.core.chain.append`` only (it
    numbers and hashes them) and are never changed or deleted afterwards."""

    def update(self, **kwargs):
        raise RuntimeError("audit events are never changed")

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs, *args, **kwargs):
        raise RuntimeError("audit events are written by gongkai.core.chain.append (gongkai.core.audit.log_action)")

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise RuntimeError("audit events are never changed")

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def _append(self, objs):
        return super().bulk_create(objs, batch_size=500)

    def _rechain(self, objs):
        """Give rows written before the chain existed their place (``chain.rechain``)."""
        plain = models.QuerySet(self.model, using=self.db)
        return plain.bulk_update(objs, ["seq", "prev_hash", "hash", "hash_alg"], batch_size=500)


# The names the trail records for actions no signed-in person took (``core.audit.actor_of``).
AUTOMATIC_ACTORS = {
    "system": _("the system (scheduled job)"),
    "applicant": _("the applicant"),
    "anonymous": _("an anonymous visitor"),
}


class AuditEvent(models.Model):
    """One row per state change: who did what to which record, when and why.
    This is the proof of 谁审核谁负责. Written only by gongkai.core.audit.log_action
    (and ``record_many`` for bulk work), which append it to the hash chain
    (gongkai.core.chain): ``seq`` is its position, ``hash`` covers its fields and
    ``prev_hash``, the hash of the event before it."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    organ = models.ForeignKey(
        "organs.Organ", verbose_name=_("organ"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, verbose_name=_("target id"))
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    seq = models.BigIntegerField(_("position in the chain"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)
    hash_alg = models.CharField(_("hash algorithm"), max_length=8, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    @property
    def actor_label(self) -> str:
        """Who did it, in the reader's language: a person's name, or what the system recorded for itself
        (a scheduled job, the applicant on the public site, an anonymous visitor)."""
        if self.actor_id is None and self.actor_name in AUTOMATIC_ACTORS:
            return str(AUTOMATIC_ACTORS[self.actor_name])
        return self.actor_name

    @property
    def action_label(self) -> str:
        from gongkai.core.audit import action_label

        return action_label(self.action)

    def save(self, *args, **kwargs):
        raise RuntimeError("audit events are written by gongkai.core.audit.log_action and never changed")

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are never deleted")


class AuditChainHead(models.Model):
    """The end of the audit chain: one row (pk 1), locked by every append."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def delete(self, *args, **kwargs):
        raise RuntimeError("the audit chain head is never deleted")
