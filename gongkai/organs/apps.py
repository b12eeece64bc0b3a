from django.apps import AppConfig


class OrgansConfig(AppConfig):
    name = "gongkai.organs"
    label = "organs"

    def ready(self):
        from gongkai.accounts.security import register_second_factor_rule
        from gongkai.organs.permissions import organ_requires_second_factor

        register_second_factor_rule(organ_requires_second_factor)
