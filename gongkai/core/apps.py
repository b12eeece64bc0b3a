from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

KEY_SETTINGS = {"FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEY_ID", "FIELD_ENCRYPTION_CIPHER", "BLIND_INDEX_KEY", "SECRET_KEY"}


def _keys_changed(*, setting, **kwargs):
    if setting in KEY_SETTINGS:
        from gongkai.core import crypto

        crypto.reset()


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("Audit trail")

    def ready(self):
        from gongkai.core import crypto

        crypto.keyring()  # a malformed key stops the process at start, not at the first applicant
        setting_changed.connect(_keys_changed)
