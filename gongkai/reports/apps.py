from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongkai.reports"
    label = "reports"
    verbose_name = _("Annual reports")

    def ready(self):
        from gongkai.applications.signals import applications_changed
        from gongkai.catalogue.signals import item_public_changed, items_imported
        from gongkai.reports import receivers

        item_public_changed.connect(receivers.on_item_public_changed, dispatch_uid="reports.item_months")
        items_imported.connect(receivers.on_items_imported, dispatch_uid="reports.item_months_imported")
        applications_changed.connect(receivers.on_applications_changed, dispatch_uid="reports.application_months")

        from gongkai.core.audit import register_action_labels
        from gongkai.reports.models import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
