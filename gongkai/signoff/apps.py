from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignoffConfig(AppConfig):
    name = "gongkai.signoff"
    label = "signoff"
    verbose_name = _("Sign-off")

    def ready(self):
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "signoff.opened": _("Sign-off opened"),
            "signoff.approve": _("Sign-off step approved"),
            "signoff.return": _("Sign-off step returned"),
            "signoff.withdrawn": _("Sign-off withdrawn"),
            "signoff.amended": _("Sign-off moved to a masked version"),
            "signoff.chain_changed": _("Sign-off chain changed"),
        })
