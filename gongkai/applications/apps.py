from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "gongkai.applications"
    label = "applications"
    verbose_name = _("Disclosure on application")

    def ready(self) -> None:
        from gongkai.applications import receivers
        from gongkai.applications.letter_texts import LETTERS
        from gongkai.letters.defaults import register
        from gongkai.workdays.signals import calendar_changed

        calendar_changed.connect(receivers.recompute_after_calendar_change, dispatch_uid="applications.recompute_deadlines")
        register(LETTERS)

        from gongkai.applications.history import ACTION_LABELS
        from gongkai.core.audit import register_action_labels

        register_action_labels(ACTION_LABELS)
