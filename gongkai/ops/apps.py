from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

THIRD_PARTY_NAMES = {
    "axes": _("Sign-in lockout"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "authtoken": _("API tokens"),
}


class OpsConfig(AppConfig):
    name = "gongkai.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from gongkai.core.audit import register_action_labels
        from gongkai.ops import jobs

        jobs.connect_signals()
        # Third-party apps the admin lists have no Chinese names of their own.
        from django.apps import apps

        for label, name in THIRD_PARTY_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
        if "otp_static" in apps.app_configs:  # its model has no translatable name either
            model = apps.get_model("otp_static", "StaticDevice")
            model._meta.verbose_name = _("recovery code list")
            model._meta.verbose_name_plural = _("recovery code lists")
        register_action_labels({"ops.file_tampered": _("Public file found changed")})
