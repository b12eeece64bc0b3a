"""Password rules beyond Django's own (length, common passwords, all digits, similarity): three kinds of character,
not the user name, and none of the last few passwords. Configured in AUTH_PASSWORD_VALIDATORS."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of the four kinds of character (lower case, upper case, digits, others) the password uses."""
    kinds = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(kinds)


class CharacterClassesValidator:
    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password, user=None):
        if character_classes(password) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must use at least %(n)d of these: lower-case letters, capital letters, digits, other characters."
        ) % {"n": self.classes}


class NotContainingUsernameValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(_("Your password must not contain your user name."), code="password_contains_username")

    def get_help_text(self):
        return _("Your password must not contain your user name.")


class PasswordHistoryValidator:
    """Refuses the current password and the earlier ones kept in PasswordHistory (PASSWORD_HISTORY_COUNT in all);
    records each new password's hash when it is saved."""

    def __init__(self, count: int | None = None):
        self._count = count

    @property
    def count(self) -> int:
        return self._count if self._count is not None else getattr(settings, "PASSWORD_HISTORY_COUNT", 5)

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or not self.count:
            return
        from gongkai.accounts.models import PasswordHistory

        earlier = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.count])
        stored = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if stored:
            earlier.append(stored)
        if any(check_password(password, encoded) for encoded in earlier):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        from gongkai.accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)

    def get_help_text(self):
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(n)d passwords.",
            self.count,
        ) % {"n": self.count}
