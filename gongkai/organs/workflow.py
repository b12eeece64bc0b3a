"""The one shape of a subject's workflow: a table of moves, asked by services, screens and the API alike.

A subject (applications, catalogue items, annual reports…) writes in its ``workflow.py``::

    MOVES = Workflow(
        {
            "submit": Move({"draft", "returned"}, "in_review", (Role.CLERK,)),
            "approve": Move({"in_review"}, "approved", (Role.DEPARTMENT_HEAD,)),
        },
        label=_("item"),
    )

and then its service says ``MOVES.check(item, by, "submit")`` before changing anything; the screen shows the
buttons of ``MOVES.allowed(item, user)``; a queue of work waiting for someone is
``MOVES.waiting_for(user, Item.objects.all(), "approve")``. No role list or state comparison for a move lives
anywhere else. Roles are per organ (``gongkai.organs.permissions``); the object's organ and state are read
through ``organ_of`` and ``state_of`` (by default ``obj.organ`` and ``obj.status``).

A move whose ``target`` is ``None`` leaves the state as it is (a note, an extension…). A move with extra
conditions beyond state and role (a deadline not yet past, a field filled) keeps them in the service: the
table answers only "from which states, by which roles".
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gongkai.core.errors import InvalidTransition, NotAllowed
from gongkai.organs.models import Organ, Role
from gongkai.organs.permissions import has_role, organs_with_role


@dataclass(frozen=True)
class Move:
    """From which states a verb may be done, into which state it leads (``None``: unchanged), by which roles."""

    sources: frozenset[str]
    target: str | None
    roles: tuple[str, ...]

    def __init__(self, sources: Iterable[str], target: str | None, roles: Iterable[str]) -> None:
        object.__setattr__(self, "sources", frozenset(str(s) for s in sources))
        object.__setattr__(self, "target", None if target is None else str(target))
        object.__setattr__(self, "roles", tuple(str(r) for r in roles))


def _status(obj: Any) -> str:
    return str(obj.status)


def _organ(obj: Any) -> Organ:
    return obj.organ


class Workflow:
    """A subject's table of moves (``verb → Move``) and the questions every face asks of it."""

    def __init__(
        self,
        moves: Mapping[str, Move],
        *,
        state_of: Callable[[Any], str] = _status,
        organ_of: Callable[[Any], Organ] = _organ,
        state_field: str = "status",
        organ_field: str = "organ",
    ) -> None:
        self.moves: dict[str, Move] = dict(moves)
        self.state_of = state_of
        self.organ_of = organ_of
        self.state_field = state_field
        self.organ_field = organ_field

    def __getitem__(self, verb: str) -> Move:
        return self.moves[verb]

    def __iter__(self) -> Iterator[str]:
        return iter(self.moves)

    def items(self) -> ItemsView[str, Move]:
        return self.moves.items()

    def state_allows(self, obj: Any, verb: str) -> bool:
        return self.state_of(obj) in self.moves[verb].sources

    def role_allows(self, obj: Any, user: Any, verb: str) -> bool:
        return has_role(user, self.organ_of(obj), *self.moves[verb].roles)

    def can(self, obj: Any, user: Any, verb: str) -> bool:
        return self.state_allows(obj, verb) and self.role_allows(obj, user, verb)

    def allowed(self, obj: Any, user: Any) -> list[str]:
        """The verbs ``user`` may do on ``obj`` now, in the table's order."""
        return [verb for verb in self.moves if self.can(obj, user, verb)]

    def check(self, obj: Any, user: Any, verb: str) -> Move:
        """Raise ``NotAllowed`` for the wrong person, ``InvalidTransition`` for the wrong state; return the move."""
        move = self.moves[verb]
        if not self.role_allows(obj, user, verb):
            names = "、".join(str(Role(r).label) for r in move.roles)
            raise NotAllowed(
                _("You need the role %(roles)s in %(organ)s.") % {"roles": names, "organ": self.organ_of(obj).name}
            )
        if not self.state_allows(obj, verb):
            raise InvalidTransition(_("This cannot be done in the current state."), field=self.state_field)
        return move

    def waiting_for(self, user: Any, queryset: QuerySet, verb: str) -> QuerySet:
        """The objects of ``queryset`` on which ``user`` may do ``verb`` now (state and role), as one query."""
        move = self.moves[verb]
        organs = organs_with_role(user, *move.roles)
        return queryset.filter(**{f"{self.state_field}__in": move.sources, f"{self.organ_field}__in": organs})
