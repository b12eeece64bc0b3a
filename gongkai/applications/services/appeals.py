"""Appeals against a decision (行政复议、行政诉讼, table 四 of the annual report)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.applications.models import (
    Appeal,
    Application,
)
from gongkai.applications.services._base import _today
from gongkai.applications.taxonomy import AppealKind, AppealResult
from gongkai.applications.workflow import APPEALS
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def record_appeal(
    *, organ: Organ, kind: str, filed_on: dt.date, by: User, application: Application | None = None,
    case_number: str = "", body: str = "", note: str = "",
) -> Appeal:
    if kind not in AppealKind.values:
        raise DomainError(_("Choose reconsideration or litigation."), field="kind")
    if filed_on > _today():
        raise DomainError(_("The filing date cannot be in the future."), field="filed_on")
    appeal = Appeal(
        organ=organ, application=application, kind=kind, filed_on=filed_on, case_number=case_number.strip()[:100],
        body=body.strip()[:200], note=note.strip(), created_by=by,
    )
    APPEALS.check(appeal, by, "record_appeal")
    if application is not None and application.organ_id != organ.pk:
        raise DomainError(_("That application belongs to another organ."), field="application")
    with transaction.atomic():
        appeal.save(force_insert=True)
        log_action(appeal, "applications.appeal_recorded", by=by, organ=organ, data={"kind": kind})
    return appeal


def decide_appeal(appeal: Appeal, *, result: str, decided_on: dt.date, by: User) -> Appeal:
    if result not in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER):
        raise DomainError(_("Choose upheld, corrected or other."), field="result")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        APPEALS.check(appeal, by, "decide_appeal")
        if decided_on < appeal.filed_on or decided_on > _today():
            raise DomainError(_("The decision date must be between the filing date and today."), field="decided_on")
        appeal.result, appeal.decided_on = result, decided_on
        appeal.save()
        log_action(appeal, "applications.appeal_decided", by=by, organ=appeal.organ, data={"result": result})
    return appeal
