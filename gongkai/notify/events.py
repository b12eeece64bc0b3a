"""The events the platform tells people about, and their message templates.

Each event has a subject, a body (e-mail, in-app) and a short SMS text, all
translatable (msgids in English, Chinese in locale/zh_Hans). Placeholders are
``%(name)s`` keys of the ``context`` given to ``notify()``; ``required`` lists
the keys an event needs, checked when the notification is created so a
missing value fails at once, in the caller, not later in a background job.

Common context keys: ``tracking_number`` (申请编号), ``organ`` (机关名称),
``subject`` (所需信息), ``url`` (link to the page, optional), ``due_on`` (a date).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Event:
    code: str
    label: StrOrPromise
    subject: StrOrPromise
    body: StrOrPromise
    sms: StrOrPromise
    required: tuple[str, ...]


_CASE = ("tracking_number", "organ", "subject")

# The events that ask the recipient to do something about the record they name (``Notification.reference``):
# the move that ends that task marks them done (``services.mark_done``). What only informs (the applicant's
# notices, a tampered file) is never "done".
TASK_EVENTS = ("application.new", "step.waiting", "deadline.approaching", "deadline.overdue", "message")

EVENTS: dict[str, Event] = {
    e.code: e
    for e in [
        Event(
            "application.new",
            _("New application"),  # 新申请
            _("New application %(tracking_number)s"),
            _("A new application for open government information has arrived at %(organ)s.\n"
              "Tracking number: %(tracking_number)s\nInformation sought: %(subject)s\nReply due: %(due_on)s"),
            _("[%(organ)s] New application %(tracking_number)s, reply due %(due_on)s. Please handle it in the workspace."),
            _CASE + ("due_on",),
        ),
        Event(
            "step.waiting",
            _("A step waits for you"),  # 待办提醒
            _("Waiting for you: %(step)s (%(tracking_number)s)"),
            _("Application %(tracking_number)s (%(subject)s) at %(organ)s waits for you: %(step)s."),
            _("[%(organ)s] Application %(tracking_number)s waits for you: %(step)s."),
            _CASE + ("step",),
        ),
        Event(
            "deadline.approaching",
            _("Deadline approaching"),  # 临期提醒
            _("%(tracking_number)s is due in %(days)s working days"),
            _("Application %(tracking_number)s (%(subject)s) at %(organ)s must be answered by %(due_on)s, "
              "in %(days)s working days."),
            _("[%(organ)s] Application %(tracking_number)s is due on %(due_on)s (%(days)s working days left)."),
            _CASE + ("due_on", "days"),
        ),
        Event(
            "deadline.overdue",
            _("Overdue application"),  # 超期督办
            _("Overdue: %(tracking_number)s"),
            _("Application %(tracking_number)s (%(subject)s) at %(organ)s was due on %(due_on)s and has not been answered. "
              "It is escalated to the disclosure office. Handler: %(handler)s."),
            _("[%(organ)s] Application %(tracking_number)s is overdue since %(due_on)s; escalated to the disclosure office."),
            _CASE + ("due_on", "handler"),
        ),
        Event(
            "applicant.submitted",
            _("Applicant: receipt of the application"),  # 申请回执
            _("Receipt of your application %(tracking_number)s"),
            _("Dear %(applicant)s,\nYour application for open government information to %(organ)s was filed on %(submitted_at)s.\n"
              "Tracking number: %(tracking_number)s\nInformation sought: %(subject)s\n"
              "The 20 working days are counted from the date of receipt, the day the organ confirms it received the "
              "application; you will be told that day. Follow your case with the tracking number and the secret shown "
              "on the receipt page (the secret is not sent by message)."),
            _("[%(organ)s] Your application %(tracking_number)s was filed on %(submitted_at)s. Follow it with the "
              "tracking number and your secret."),
            _CASE + ("applicant", "submitted_at"),
        ),
        Event(
            "applicant.verify_email",
            _("Applicant account: confirm the e-mail address"),  # 申请人账号邮箱验证
            _("Confirm your e-mail address"),
            _("Dear %(applicant)s,\nTo finish opening your applicant account, open this address within %(days)s days:\n"
              "%(url)s\nIf you did not ask for an account, ignore this message."),
            _("Open %(url)s to confirm your applicant account."),
            ("applicant", "url", "days"),
        ),
        Event(
            "applicant.receipt",
            _("Applicant: application received"),  # 受理告知
            _("Your application %(tracking_number)s has been received"),
            _("Dear %(applicant)s,\n%(organ)s received your application for open government information on %(received_on)s.\n"
              "Tracking number: %(tracking_number)s\nInformation sought: %(subject)s\n"
              "We will reply by %(due_on)s. You can follow your case with the tracking number and the secret you were given."),
            _("[%(organ)s] Your application %(tracking_number)s was received on %(received_on)s; reply due by %(due_on)s."),
            _CASE + ("applicant", "received_on", "due_on"),
        ),
        Event(
            "applicant.correction",
            _("Applicant: correction requested"),  # 补正告知
            _("Please complete your application %(tracking_number)s"),
            _("Dear %(applicant)s,\n%(organ)s asks you to correct your application %(tracking_number)s (Art. 30 of the Regulations) "
              "by %(correction_deadline)s:\n%(correction_text)s\nThe correction notice can be downloaded on your case page."),
            _("[%(organ)s] Please correct application %(tracking_number)s by %(correction_deadline)s; see your case page."),
            _CASE + ("applicant", "correction_deadline", "correction_text"),
        ),
        Event(
            "applicant.extension",
            _("Applicant: reply deadline extended"),  # 延期告知
            _("The reply to %(tracking_number)s is extended"),
            _("Dear %(applicant)s,\nThe deadline to reply to your application %(tracking_number)s is extended by %(extension_days)s "
              "working days to %(due_on)s (Art. 33 of the Regulations). Reason: %(reason)s"),
            _("[%(organ)s] The reply to application %(tracking_number)s is extended to %(due_on)s."),
            _CASE + ("applicant", "extension_days", "due_on", "reason"),
        ),
        Event(
            "applicant.fee",
            _("Applicant: fee notice"),  # 收费告知
            _("Fee notice for %(tracking_number)s"),
            _("Dear %(applicant)s,\nAn information-processing fee of %(amount)s yuan applies to your application %(tracking_number)s. "
              "Please pay by %(pay_by)s; otherwise the application is treated as given up. "
              "The fee notice with the computation can be downloaded on your case page."),
            _("[%(organ)s] Fee for application %(tracking_number)s: %(amount)s yuan, pay by %(pay_by)s."),
            _CASE + ("applicant", "amount", "pay_by"),
        ),
        Event(
            "applicant.reply",
            _("Applicant: reply ready"),  # 答复告知
            _("The reply to your application %(tracking_number)s"),
            _("Dear %(applicant)s,\n%(organ)s has answered your application %(tracking_number)s (%(subject)s). "
              "The reply can be downloaded on your case page."),
            _("[%(organ)s] The reply to application %(tracking_number)s is ready; see your case page."),
            _CASE + ("applicant",),
        ),
        Event(
            "applicant.closed",
            _("Applicant: application no longer processed"),  # 终止处理告知
            _("Your application %(tracking_number)s is no longer processed"),
            _("Dear %(applicant)s,\n%(organ)s no longer processes your application %(tracking_number)s (%(subject)s): "
              "%(outcome)s. The notice can be downloaded on your case page."),
            _("[%(organ)s] Application %(tracking_number)s is no longer processed: %(outcome)s. See your case page."),
            _CASE + ("applicant", "outcome"),
        ),
        Event(
            "applicant.reply_email",
            _("Applicant: reply sent by e-mail"),  # 电子邮件送达答复
            _("Reply to your application %(tracking_number)s"),
            _("Dear %(applicant)s,\n%(organ)s has answered your application %(tracking_number)s (%(subject)s). "
              "The reply letter is attached (PDF); it can also be downloaded on your case page."),
            _("[%(organ)s] The reply to application %(tracking_number)s was sent to your e-mail."),
            _CASE + ("applicant",),
        ),
        Event(
            "applicant.released_files",
            _("Applicant: information provided with the reply"),  # 随复函提供的信息
            _("Information provided with the reply to %(tracking_number)s"),
            _("Dear %(applicant)s,\n%(organ)s provides this information with its reply to your application "
              "%(tracking_number)s (%(subject)s):\n%(files)s\n%(how)s"),
            _("[%(organ)s] The information provided with the reply to application %(tracking_number)s: see your e-mail "
              "or your case page."),
            _CASE + ("applicant", "files", "how"),
        ),
        Event(
            "ops.file_tampered",
            _("Public file changed"),  # 网页防篡改告警
            _("A public file was changed: %(path)s"),
            _("The check of public files found %(area)s %(path)s %(state)s compared with its fingerprint. %(outcome)s"),
            _("A public file was changed: %(path)s (%(state)s). %(outcome)s"),
            ("path", "area", "state", "outcome"),
        ),
        Event(
            "message",
            _("Message"),  # 一般消息
            "%(title)s",
            "%(text)s",
            "%(text)s",
            ("title", "text"),
        ),
    ]
}
