"""What each audit action of an application means, in words, for its history on the staff page
(the audit rows keep the stable codes ``applications.<action>``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "applications.submitted": _("Application filed"),  # 提交申请
    "applications.receipt_confirmed": _("Receipt confirmed"),  # 确认收到
    "applications.marked_spam": _("Marked as not an application"),
    "applications.routed": _("Routed to a department"),
    "applications.claimed": _("Claimed by the handler"),
    "applications.assigned": _("Assigned to a handler"),
    "applications.note_added": _("Internal note added"),
    "applications.flags_set": _("Flags changed"),
    "applications.merged": _("Merged into another application"),
    "applications.merged_in": _("Another application merged into this one"),
    "applications.split": _("Split into several applications"),
    "applications.split_off": _("Split off from another application"),
    "applications.correction_requested": _("Correction requested"),
    "applications.corrected": _("Correction received"),
    "applications.closed_uncorrected": _("Closed: no correction in time"),
    "applications.consultation_started": _("Consultation started"),
    "applications.consultation_answered": _("Consultation answered"),
    "applications.extended": _("Deadline extended"),
    "applications.fee_charged": _("Fee notice sent"),
    "applications.fee_paid": _("Fee paid"),
    "applications.closed_unpaid": _("Closed: fee not paid in time"),
    "applications.reply_drafted": _("Reply drafted"),
    "applications.reply_submitted": _("Reply submitted for sign-off"),
    "applications.reply_step_approved": _("Sign-off step approved"),
    "applications.reply_approved": _("Reply approved"),
    "applications.reply_returned": _("Reply returned"),
    "applications.reply_sent": _("Reply delivered, case closed"),
    "applications.withdrawn": _("Withdrawn by the applicant"),
    "applications.deadline_recomputed": _("Deadline recomputed"),
    "applications.appeal_recorded": _("Reconsideration or litigation recorded"),
    "applications.appeal_decided": _("Result of the reconsideration or litigation recorded"),
    "applications.file_downloaded": _("File downloaded by staff"),
    "applications.attachment_infected": _("Attachment refused by the virus scan"),
    "applications.released_file_added": _("Released file added"),  # 添加发布文件
    "applications.released_item_added": _("Published item included"),
    "applications.released_file_redacted": _("Redacted copy uploaded"),
    "applications.released_file_removed": _("Released file removed"),
    "applications.released_finding_false_positive": _("Finding in a released file: false positive"),
    "applications.released_finding_redaction": _("Finding in a released file: to be redacted"),
    "applications.released_file_downloaded": _("Released file downloaded by the applicant"),
    "applications.personal_data_read": _("Case page opened (personal data masked)"),
    "applications.personal_data_unmasked": _("Personal data shown in full"),
    "applications.linked_to_account": _("Linked to the applicant's account"),
}


def label(action: str) -> str:
    """The action in words; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(action, action))
