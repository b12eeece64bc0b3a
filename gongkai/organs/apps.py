from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgansConfig(AppConfig):
    name = "gongkai.organs"
    label = "organs"
    verbose_name = _("Organs and roles")

    def ready(self):
        from gongkai.accounts.security import register_second_factor_rule
        from gongkai.core.audit import register_action_labels
        from gongkai.organs.permissions import organ_requires_second_factor

        register_second_factor_rule(organ_requires_second_factor)
        register_action_labels({
            "organs.column_text_saved": _("Column page text saved"),
            "organs.profile_saved": _("Organisation information changed"),
            "organs.department_duties_saved": _("Duties of an internal body changed"),
            "organs.leader_added": _("Leader added"),
            "organs.leader_changed": _("Leader's details changed"),
            "organs.leader_removed": _("Leader taken off the page"),
        })
