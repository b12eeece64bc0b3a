"""What every move of an application does: lock the row, save the state and the deadline, write the audit
row and, beside it, mark the dashboard's months the move changed (``applications.changes``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from gongkai.applications import changes, clock, outbox
from gongkai.applications.models import (
    Application,
)
from gongkai.applications.workflow import OPEN
from gongkai.core.audit import log_action

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def _lock(application: Application) -> Application:
    """The application's row, locked; as locked, it is what ``_move`` compares the counted fields with."""
    locked = Application.objects.select_for_update().select_related("organ").get(pk=application.pk)
    locked._counted_as = changes.values_of(locked)
    return locked


def _today() -> dt.date:
    return timezone.localdate()


def _move(application: Application, verb: str, *, by: User | str | None, reason: str = "", data: dict | None = None, target: str | None = None) -> None:
    """Save the new state and deadline, and write the audit row."""
    before = application.status
    if target is not None:
        application.status = target
    clock.apply(application)
    application.save()
    payload = {"from": before, "to": application.status}
    payload.update(data or {})
    log_action(application, f"applications.{verb}", by=by, organ=application.organ, reason=reason, data=payload)
    if before in OPEN and application.status not in OPEN:
        outbox.tasks_done(application)
    changes.mark(application._counted_as, application)
    application._counted_as = changes.values_of(application)
