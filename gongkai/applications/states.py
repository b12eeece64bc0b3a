"""The states of an application (办理状态), apart from the models so the table of moves can name them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation of receipt")  # 待确认收到
    RECEIVED = "received", _("Received")  # 已收到
    IN_PROGRESS = "in_progress", _("Being handled")  # 办理中
    CORRECTION_REQUESTED = "correction_requested", _("Waiting for correction")  # 待补正
    CONSULTING = "consulting", _("Consulting a third party or agency")  # 征求意见中
    AWAITING_FEE = "awaiting_fee", _("Waiting for fee payment")  # 待缴费
    IN_SIGNOFF = "in_signoff", _("Reply in sign-off")  # 答复审核中
    APPROVED = "approved", _("Reply approved, to be sent")  # 答复已审定
    CLOSED = "closed", _("Closed")  # 已办结
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已撤回
    MERGED = "merged", _("Merged into another application")  # 已合并
    SPAM = "spam", _("Not an application (spam)")  # 无效


RUNNING_STATES = (
    Status.RECEIVED,
    Status.IN_PROGRESS,
    Status.CORRECTION_REQUESTED,
    Status.CONSULTING,
    Status.AWAITING_FEE,
    Status.IN_SIGNOFF,
    Status.APPROVED,
)
FINAL_STATES = (Status.CLOSED, Status.WITHDRAWN, Status.MERGED, Status.SPAM)
# States in which the reply clock is running (not paused by a restart-type wait).
CLOCK_STATES = (Status.RECEIVED, Status.IN_PROGRESS, Status.CONSULTING, Status.AWAITING_FEE, Status.IN_SIGNOFF, Status.APPROVED)
