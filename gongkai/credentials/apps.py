from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "gongkai.credentials"
    label = "credentials"
    verbose_name = _("API keys")

    def ready(self):
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "api.client_issued": _("API key issued"),
            "api.client_rotated": _("API key replaced"),
            "api.client_revoked": _("API key revoked"),
            # written before every key was a Credential (an intake channel's new key)
            "applications.api_key_issued": _("API key issued"),
        })
