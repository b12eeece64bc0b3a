from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhealthConfig(AppConfig):
    name = "gongkai.webhealth"
    label = "webhealth"
    verbose_name = _("Website health")

    def ready(self) -> None:
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "webhealth.site_added": _("Site added to the link check"),
            "webhealth.run_requested": _("Link check requested"),
            "webhealth.run_finished": _("Link check finished"),
            "webhealth.run_failed": _("Link check failed"),
            "webhealth.false_positive": _("Link marked as not broken"),
            "webhealth.false_positive_removed": _("Mark “not broken” removed"),
            "webhealth.threshold_changed": _("Column update threshold changed"),
            "webhealth.owner_told": _("Owner told of broken links in the item"),
            "webhealth.veto_warned": _("Veto risk warned"),
        })
