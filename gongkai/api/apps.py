from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "gongkai.api"
    label = "api"
    verbose_name = _("API clients")

    def ready(self):
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "api.pushed": _("Pushed by an OA system"),
        })
