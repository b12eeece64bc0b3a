from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"

    def ready(self):
        from django.core.signals import setting_changed

        from gongkai.core import crypto, receivers

        crypto.keyring()  # a malformed key stops the process at start, not at the first applicant
        setting_changed.connect(receivers.keys_changed, dispatch_uid="core.keys_changed")
