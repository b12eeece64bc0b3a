from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgansConfig(AppConfig):
    name = "gongkai.organs"
    label = "organs"
    verbose_name = _("Organs and roles")
