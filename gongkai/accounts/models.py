import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteQuerySet


class AdminRole(models.TextChoices):
    """The three platform administrators (三员分立). Each does one kind of work and none can do another's; they hold
    no role in any organ, so they see no organ's records."""

    SYSTEM = "system_admin", _("System administrator")  # 系统管理员: organs, chains, calendar, templates
    SECURITY = "security_admin", _("Security administrator")  # 安全管理员: accounts, roles, unlocks, resets
    AUDIT = "audit_admin", _("Audit administrator")  # 安全审计员: reads and exports the audit trail


class User(AbstractUser):
    """A person using the platform: staff of an organ (roles come from
    organs.Membership), one of the three platform administrators, or a member of the public with an account."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    admin_role = models.CharField(
        _("platform administrator role"), max_length=20, choices=AdminRole.choices, blank=True, default="",
        help_text=_("System, security or audit administrator. Set only by a superuser."),
    )
    must_change_password = models.BooleanField(
        _("must change password at next sign-in"), default=False,
        help_text=_("Set when the security administrator gives a temporary password."),
    )
    # A member of the public who opened an account to follow their applications (申请人账号). Such an account is
    # kept apart from staff: it signs in on the applicant page only and never reaches the workspace, the admin or
    # the API (middleware.AccountSecurityMiddleware); it holds no role.
    is_applicant = models.BooleanField(_("applicant account"), default=False, editable=False)
    password_changed_at = models.DateTimeField(_("password last changed"), null=True, blank=True, editable=False)
    # The session of the latest sign-in; with SESSION_SINGLE_PER_ACCOUNT an older session ends.
    current_session_key = models.CharField(max_length=64, blank=True, default="", editable=False, verbose_name=_("current session"))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()

    def save(self, *args, **kwargs):
        if self._password is not None:  # a new password: set_password() was called
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        if self.admin_role:
            self.is_staff = True  # the admin site is where the three administrators work
        super().save(*args, **kwargs)

    @property
    def password_expired(self) -> bool:
        days = getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0)
        if not days or not self.has_usable_password():
            return False
        changed = self.password_changed_at or self.date_joined
        return timezone.now() - changed > dt.timedelta(days=days)


class PasswordHistory(models.Model):
    """The hashes of a person's earlier passwords, so a new password cannot repeat one of the last few."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def delete(self, *args, **kwargs):
        raise RuntimeError("password history is never deleted")
