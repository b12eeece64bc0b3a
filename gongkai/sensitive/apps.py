from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SensitiveConfig(AppConfig):
    name = "gongkai.sensitive"
    label = "sensitive"
    verbose_name = _("Sensitive-content check")
