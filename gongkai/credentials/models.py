"""API keys (接口密钥): the one way a system outside the platform proves who it is to the REST API.

A credential has one purpose — an agency's OA system pushing signed-off documents into the catalogue
(``oa_push``), or an intake channel such as a WeChat or Weibo service-account bridge filing applications
(``application_channel``); the message channels (12345 hotline, WeChat, Weibo) become further purposes. It belongs
to one organ (an OA key) or lists the organs it may act for (a channel), and may act for a person, whose roles in
the organ then bound what it can do. The key is shown once when issued; only its SHA-256 is stored, so a key is
found by its digest. A key is replaced (``rotate``) or revoked, never deleted; issuing, replacing and revoking are
in the audit trail, and every use stamps ``last_used_at``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.audit import log_action
from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ

KEY_PREFIX = "gk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class Purpose(models.TextChoices):
    OA_PUSH = "oa_push", _("OA push to the catalogue")
    APPLICATION_CHANNEL = "application_channel", _("Application intake channel")


class CredentialQuerySet(NoDeleteQuerySet):
    def active(self) -> CredentialQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_purpose(self, purpose: str) -> CredentialQuerySet:
        return self.filter(purpose=purpose)


class Credential(NoDeleteModel):
    """接口密钥: one outside system's key, for one purpose."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses the key, e.g. 市工信局 OA."))
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    organ = models.ForeignKey(
        "organs.Organ", verbose_name=_("organ"), null=True, blank=True, on_delete=models.PROTECT, related_name="credentials",
        help_text=_("The organ the key belongs to (required for an OA push key)."),
    )
    organs = models.ManyToManyField(
        "organs.Organ", verbose_name=_("organs it may file to"), blank=True, related_name="+",
        help_text=_("For an intake channel: the organs it may file applications to."),
    )
    all_organs = models.BooleanField(_("may file to every organ"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acts for"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="api_credentials",
        help_text=_("The person whose roles in the organ the key uses (required for an OA push key)."),
    )
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    key_issued_at = models.DateTimeField(_("key issued at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("revoked by"))
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)
    moved_from = models.CharField(_("earlier record"), max_length=60, blank=True, editable=False,
                                  help_text=_("The record this key was kept in before, as named in older audit events."))

    objects = CredentialQuerySet.as_manager()  # type: ignore[misc]  # the stubs see NoDeleteModel's as a ClassVar

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["purpose", "organ", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=models.Q(purpose="application_channel"),
                                    name="credential_channel_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def actor_name(self) -> str:
        """How the audit trail names a key that acts for no person."""
        return f"channel:{self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.purpose == Purpose.OA_PUSH:
            errors = {}
            if self.organ_id is None:
                errors["organ"] = _("An OA push key belongs to one organ.")
            if self.user_id is None:
                errors["user"] = _("An OA push key acts for one person.")
            if errors:
                raise ValidationError(errors)

    def may_act_for(self, organ: Organ | None) -> bool:
        """Whether the key may act for ``organ``: its own organ, one it lists, or any if it may file everywhere."""
        if organ is None:
            return False
        return self.all_organs or organ.pk == self.organ_id or self.organs.filter(pk=organ.pk).exists()

    def refusal(self) -> str:
        """Why the key may not be used now ("" when it may)."""
        if self.revoked_at is not None:
            return "revoked"
        if (self.user is not None and not self.user.is_active) or (self.organ is not None and not self.organ.is_active):
            return "inactive"
        return ""

    @classmethod
    def issue(cls, *, name: str, purpose: str, organ: Organ | None = None, user: User | None = None,
              organs: Iterable[Organ] = (), all_organs: bool = False, by: User | None = None) -> tuple[Credential, str]:
        """A new credential and its key (the only time the key is seen)."""
        key = new_key()
        with transaction.atomic():
            credential = cls.objects.create(
                name=name, purpose=purpose, organ=organ, user=user, all_organs=all_organs, key_prefix=key[:10],
                key_hash=hash_key(key), key_issued_at=timezone.now(), created_by=by,
            )
            if organs:
                credential.organs.set(organs)
            log_action(credential, "api.client_issued", by=by, organ=organ,
                       data={"purpose": purpose, "user": user.get_username() if user else ""})
        return credential, key

    def rotate(self, *, by: User | None, reason: str = "") -> str:
        """Replace the key (shown once); the old one stops working at once."""
        if self.revoked_at is not None:
            raise ValueError("a revoked key is not replaced")
        key = new_key()
        with transaction.atomic():
            self.key_prefix, self.key_hash, self.key_issued_at = key[:10], hash_key(key), timezone.now()
            self.save(update_fields=["key_prefix", "key_hash", "key_issued_at"])
            log_action(self, "api.client_rotated", by=by, organ=self.organ, reason=reason)
        return key

    def revoke(self, *, by: User | None, reason: str = "") -> None:
        if self.revoked_at is not None:
            return
        with transaction.atomic():
            self.revoked_at = timezone.now()
            self.revoked_by = by if getattr(by, "pk", None) is not None else None
            self.revoked_reason = reason[:200]
            self.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
            log_action(self, "api.client_revoked", by=by, organ=self.organ, reason=reason)

    def mark_used(self) -> None:
        type(self).objects.filter(pk=self.pk).update(last_used_at=timezone.now())
