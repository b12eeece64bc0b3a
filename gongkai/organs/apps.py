from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgansConfig(AppConfig):
    name = "gongkai.organs"
    label = "organs"
    verbose_name = _("Organs and roles")

    def ready(self):
        from gongkai.accounts.security import register_second_factor_rule
        from gongkai.organs.permissions import organ_requires_second_factor

        register_second_factor_rule(organ_requires_second_factor)
