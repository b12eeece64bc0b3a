from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    label = "accounts"
    verbose_name = _("People and accounts")

    def ready(self):
        from gongkai.accounts import signals  # noqa: F401
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "accounts.logged_in": _("Signed in"),
            "accounts.logged_out": _("Signed out"),
            "accounts.login_failed": _("Failed sign-in"),
            "accounts.locked_out": _("Sign-in locked out"),
            "accounts.session_expired": _("Session expired"),
            "accounts.session_replaced": _("Session ended by a newer sign-in"),
            "accounts.password_changed": _("Password changed"),
            "accounts.password_reset": _("Password reset by e-mail link"),
            "accounts.password_reset_requested": _("Password reset link requested"),
            "accounts.temporary_password": _("Temporary password set"),
            "accounts.unlocked": _("Sign-in lock lifted"),
            "accounts.second_factor_failed": _("Wrong one-time code"),
            "accounts.second_factor_verified": _("Second factor confirmed"),
            "accounts.second_factor_enrolled": _("Authenticator enrolled"),
            "accounts.second_factor_reset": _("Second factor reset"),
            "accounts.recovery_codes_issued": _("Recovery codes issued"),
            "accounts.user_added": _("Account added"),
            "accounts.user_changed": _("Account changed"),
            "accounts.audit_exported": _("Audit trail exported"),
        })
