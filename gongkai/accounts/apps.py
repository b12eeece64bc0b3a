from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gongkai.accounts"
    label = "accounts"
    verbose_name = _("People and accounts")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from gongkai.accounts import receivers
        from gongkai.core.audit import register_action_labels

        user_logged_in.connect(receivers.logged_in, dispatch_uid="gongkai.accounts.logged_in")
        user_logged_out.connect(receivers.logged_out, dispatch_uid="gongkai.accounts.logged_out")
        user_login_failed.connect(receivers.login_failed, dispatch_uid="gongkai.accounts.login_failed")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="gongkai.accounts.locked_out")

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
            "accounts.applicant_registered": _("Applicant account opened"),
            "accounts.applicant_verified": _("Applicant account e-mail confirmed"),
        })
