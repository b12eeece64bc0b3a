from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

THIRD_PARTY_NAMES = {
    "axes": _("Sign-in lockout"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Recovery codes"),
    "authtoken": _("API tokens"),
}


THIRD_PARTY_MODELS = [
    ("otp_static", "StaticDevice", _("recovery code list"), _("recovery code lists")),
    ("otp_totp", "TOTPDevice", _("authenticator app"), _("authenticator apps")),
]


class OpsConfig(AppConfig):
    name = "gongkai.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from celery import signals
        from django.core.signals import got_request_exception, request_finished

        from gongkai.core.audit import register_action_labels
        from gongkai.core.tasks import enqueue_fell_back
        from gongkai.ops import receivers

        request_finished.connect(receivers.forget_request_id, dispatch_uid="gongkai.ops.forget_request_id")
        got_request_exception.connect(receivers.remember_database_error, dispatch_uid="gongkai.ops.database_down")
        enqueue_fell_back.connect(receivers.on_fallback, weak=False, dispatch_uid="gongkai.ops.fallback")
        signals.before_task_publish.connect(receivers.on_publish, weak=False, dispatch_uid="gongkai.ops.publish")
        signals.task_prerun.connect(receivers.on_start, weak=False, dispatch_uid="gongkai.ops.prerun")
        signals.task_postrun.connect(receivers.on_end, weak=False, dispatch_uid="gongkai.ops.postrun")
        signals.task_failure.connect(receivers.on_failure, weak=False, dispatch_uid="gongkai.ops.failure")
        signals.task_retry.connect(receivers.on_retry, weak=False, dispatch_uid="gongkai.ops.retry")
        register_action_labels({"ops.file_tampered": _("Public file found changed")})

        # Third-party apps the admin lists have no Chinese names of their own.
        from django.apps import apps

        for label, name in THIRD_PARTY_NAMES.items():
            if label in apps.app_configs:
                apps.get_app_config(label).verbose_name = name
        # Their models have no translatable names either.
        for label, model_name, singular, plural in THIRD_PARTY_MODELS:
            if label in apps.app_configs:
                model = apps.get_model(label, model_name)
                model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
