"""The single way to write the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from gongkai.core.models import AuditEvent


def log_action(target: models.Model, action: str, *, by=None, organ=None, reason: str = "", data: dict[str, Any] | None = None) -> AuditEvent:
    """Record that ``by`` did ``action`` to ``target``. ``by`` may be None for
    the system itself (a scheduled job); the event then says so."""
    actor = by if getattr(by, "is_authenticated", False) else None
    if actor is not None:
        actor_name = actor.get_full_name() or actor.get_username()
    else:
        actor_name = str(by) if isinstance(by, str) else "system"
    if organ is None:
        from gongkai.organs.models import Organ

        organ = target if isinstance(target, Organ) else getattr(target, "organ", None)
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor_name[:150],
        organ=organ,
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        reason=reason or "",
        data=data or {},
    )


def trail_for(target: models.Model):
    """The audit trail of one record, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)), target_id=str(target.pk)
    ).select_related("actor")


# Action codes in words, for the audit pages. Each app registers its own codes
# (``register_action_labels`` in its AppConfig.ready); an unregistered code is shown as it is.
_ACTION_LABELS: dict[str, Any] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    _ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The action in the reader's language."""
    if action in _ACTION_LABELS:
        return str(_ACTION_LABELS[action])
    if action.endswith(".added"):
        return _("Added in the admin")
    if action.endswith(".changed") or action.endswith("_saved"):
        return _("Changed in the admin")
    return action
