"""API clients: an agency's office-automation system (OA 办公系统) pushing
signed-off documents into the catalogue.

A client is bound to one organ and to the person it acts for; what it may do
is what that person's roles in that organ allow (the same services and rules
as the workspace). The key is shown once when created; only its SHA-256 is
stored. A key is revoked, never deleted; every use that changes something is
in the audit trail."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.audit import log_action
from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet

KEY_PREFIX = "gk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClientQuerySet(NoDeleteQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, organ__is_active=True, user__is_active=True)


class ApiClient(NoDeleteModel):
    """接口客户端: one OA system's key for one organ."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses the key, e.g. 市工信局 OA."))
    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="api_clients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts for"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("The person whose roles in the organ the client uses (usually the web administrator)."),
    )
    key_prefix = models.CharField(_("key starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("key digest"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["organ", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, *, name: str, organ, user, by=None) -> tuple[ApiClient, str]:
        """A new client and its key (the only time the key is seen)."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        client = cls.objects.create(name=name, organ=organ, user=user, key_prefix=key[:10], key_hash=hash_key(key), created_by=by)
        log_action(client, "api.client_issued", by=by, organ=organ, data={"user": user.get_username()})
        return client, key

    def revoke(self, *, by, reason: str = "") -> None:
        if self.revoked_at is not None:
            return
        self.revoked_at = timezone.now()
        self.revoked_reason = reason[:200]
        self.save(update_fields=["revoked_at", "revoked_reason"])
        log_action(self, "api.client_revoked", by=by, organ=self.organ, reason=reason)
