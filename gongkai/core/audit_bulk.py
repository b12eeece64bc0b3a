"""The audit trail written for many rows at once (recomputations, imports): the bulk twin of
``gongkai.core.audit.log_action``, with the same rows and the same hash chain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models

from gongkai.core import chain
from gongkai.core.audit import actor_of
from gongkai.core.models import AuditEvent


class Logged(NamedTuple):
    """One row an action was done to: its primary key, how it reads, its organ and what the event records."""

    target_id: Any
    target_repr: str
    organ_id: int | None
    data: dict[str, Any]


def log_actions(model: type[models.Model], action: str, rows: Iterable[Logged], *, by=None, reason: str = "") -> int:
    """Record that ``by`` did ``action`` to each of ``rows`` (of ``model``): one lock of the chain head, one
    INSERT per 500 events. Returns how many events were written."""
    actor, actor_name = actor_of(by)
    target_type = ContentType.objects.get_for_model(model)
    events = [
        AuditEvent(actor=actor, actor_name=actor_name, organ_id=row.organ_id, action=action, target_type=target_type,
                   target_id=str(row.target_id), target_repr=str(row.target_repr)[:300], reason=reason or "",
                   data=row.data or {})
        for row in rows
    ]
    if events:
        chain.append(events)
    return len(events)
