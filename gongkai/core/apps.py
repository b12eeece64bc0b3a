from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("Audit trail")

    def ready(self):
        from django.core.signals import setting_changed

        from gongkai.core import crypto, receivers

        crypto.keyring()  # a malformed key stops the process at start, not at the first applicant
        setting_changed.connect(receivers.keys_changed, dispatch_uid="core.keys_changed")
