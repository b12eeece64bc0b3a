from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "gongkai.catalogue"
    label = "catalogue"
    verbose_name = _("Proactive disclosure catalogue")

    def ready(self):
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "catalogue.drafted": _("Draft created"),
            "catalogue.edited": _("Edited"),
            "catalogue.attachment_added": _("Attachment added"),
            "catalogue.attachment_removed": _("Attachment removed"),
            "catalogue.attachment_infected": _("Attachment refused by the virus scan"),
            "catalogue.submitted": _("Submitted for review"),
            "catalogue.review_approve": _("Approved at a sign-off step"),
            "catalogue.review_return": _("Returned at a sign-off step"),
            "catalogue.recalled": _("Recalled by the author"),
            "catalogue.finding_false_positive": _("Finding marked a false positive"),
            "catalogue.finding_redaction": _("Finding marked to be changed by the author"),
            "catalogue.finding_masked": _("Finding masked (new version)"),
            "catalogue.returned_for_redaction": _("Returned to the author with the findings to change"),
            "catalogue.published": _("Published"),
            "catalogue.revision_started": _("Revision started"),
            "catalogue.revision_published": _("Revision published"),
            "catalogue.validity_changed": _("Validity changed (repeal/expiry)"),
            "catalogue.withdrawn": _("Withdrawn"),
            "catalogue.discarded": _("Draft discarded"),
            "catalogue.imported": _("Catalogue imported"),
            "catalogue.file_downloaded": _("Unpublished attachment downloaded"),
        })
