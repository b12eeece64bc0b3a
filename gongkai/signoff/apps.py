from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignoffConfig(AppConfig):
    name = "gongkai.signoff"
    label = "signoff"
    verbose_name = _("Sign-off")
