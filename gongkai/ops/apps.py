from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "gongkai.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from gongkai.core.audit import register_action_labels
        from gongkai.ops import jobs

        jobs.connect_signals()
        register_action_labels({"ops.file_tampered": _("Public file found changed")})
