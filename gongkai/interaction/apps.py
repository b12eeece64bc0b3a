from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionConfig(AppConfig):
    name = "gongkai.interaction"
    label = "interaction"
    verbose_name = _("Interaction with the public")

    def ready(self) -> None:
        from gongkai.core.audit import register_action_labels

        register_action_labels({
            "interaction.submitted": _("Message received"),
            "interaction.register": _("Message registered by staff"),
            "interaction.accept": _("Message accepted"),
            "interaction.refuse": _("Message not accepted"),
            "interaction.transfer": _("Message transferred to another organ"),
            "interaction.received_by_transfer": _("Message received by transfer"),
            "interaction.assign": _("Message assigned"),
            "interaction.extend": _("Reply deadline extended"),
            "interaction.draft_reply": _("Reply drafted"),
            "interaction.submit_reply": _("Reply submitted for sign-off"),
            "interaction.reply_step_approved": _("Sign-off step approved"),
            "interaction.approve_reply": _("Reply approved"),
            "interaction.return_reply": _("Reply returned"),
            "interaction.send": _("Reply sent to the citizen"),
            "interaction.publish": _("Question and reply published"),
            "interaction.rate": _("Reply rated by the citizen"),
            "interaction.reopen": _("Message reopened for a second handling"),
            "interaction.escalated": _("Overdue message escalated to the disclosure office"),
            "interaction.veto_flagged": _("Message unanswered for two months flagged to the disclosure office"),
            "interaction.attachment_infected": _("Attachment refused: malicious code found"),
        })
