"""The single way to write the audit trail."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from gongkai.core import chain
from gongkai.core.chain import verify_chain  # noqa: F401 (the check backups and commands call)
from gongkai.core.models import AuditEvent


def actor_of(by) -> tuple[Any, str]:
    """The user (or None) and the name recorded for ``by``."""
    actor = by if getattr(by, "is_authenticated", False) else None
    if actor is not None:
        return actor, (actor.get_full_name() or actor.get_username())[:150]
    return None, (str(by) if isinstance(by, str) else "system")[:150]


def log_action(target: models.Model, action: str, *, by=None, organ=None, reason: str = "", data: dict[str, Any] | None = None) -> AuditEvent:
    """Record that ``by`` did ``action`` to ``target``. ``by`` may be None for
    the system itself (a scheduled job); the event then says so. The event is
    appended to the hash chain (gongkai.core.chain)."""
    actor, actor_name = actor_of(by)
    if organ is None:
        # The organ model is the one the audit row points to: core names no other app.
        organ_model = cast("type[models.Model]", AuditEvent._meta.get_field("organ").related_model)
        organ = target if isinstance(target, organ_model) else getattr(target, "organ", None)
    event = AuditEvent(
        actor=actor,
        actor_name=actor_name,
        organ=organ,
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        reason=reason or "",
        data=data or {},
    )
    return chain.append([event])[0]


def record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append many unsaved events at once (bulk work such as recomputing
    deadlines): one lock of the chain head, one INSERT per 500 rows."""
    return chain.append(events)


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


def labelled_actions() -> dict[str, Any]:
    """Every action code an app has named, with its words."""
    return dict(_ACTION_LABELS)


def action_label(action: str) -> str:
    """The action in the reader's language."""
    if action in _ACTION_LABELS:
        return str(_ACTION_LABELS[action])
    if action.endswith(".added"):
        return _("Added in the admin")
    if action.endswith(".changed") or action.endswith("_saved"):
        return _("Changed in the admin")
    return action
