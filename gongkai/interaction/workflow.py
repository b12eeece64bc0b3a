"""The table of moves of a message (留言的办理流程).

Services say ``MOVES.check(message, by, verb)`` before changing anything; the message page shows the buttons of
``MOVES.allowed(message, user)``; queues ask ``MOVES.waiting_for``. A move with no roles is done by the platform,
the sign-off chain or the citizen (approving or returning the reply, the rating and the second handling it may
open): its service checks the state alone with ``MOVES.check_state``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from gongkai.core.errors import InvalidTransition
from gongkai.interaction.models import Message, Status
from gongkai.organs.models import Role
from gongkai.organs.workflow import Move, Workflow

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ

S = Status
# A message not yet in the register: staff registering a hotline call, a letter or a visit.
NEW = ""
INTAKE = (Role.CLERK, Role.DISCLOSURE_OFFICE)
HANDLERS = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICE)
ROUTERS = (Role.DISCLOSURE_OFFICE, Role.DEPARTMENT_HEAD)
OFFICE = (Role.DISCLOSURE_OFFICE,)
SYSTEM: tuple[str, ...] = ()  # the platform, the sign-off chain or the citizen: no role of this table gives it


class Table(Workflow):
    """A workflow whose refusals for the wrong state name the state, and whose role-less moves no role gives."""

    def role_allows(self, obj: Any, user: Any, verb: str) -> bool:
        return bool(self.moves[verb].roles) and super().role_allows(obj, user, verb)

    def check_state(self, obj: Message, verb: str) -> Move:
        if not self.state_allows(obj, verb):
            raise InvalidTransition(
                _("This cannot be done while the message is “%(status)s”.") % {"status": obj.get_status_display()},
                field=self.state_field,
            )
        return self.moves[verb]

    def check(self, obj: Any, user: Any, verb: str) -> Move:
        if not self.role_allows(obj, user, verb):
            super().check(obj, user, verb)  # raises NotAllowed naming the roles
        return self.check_state(obj, verb)

    def target(self, obj: Any, verb: str) -> str:
        return self.moves[verb].target or self.state_of(obj)


MOVES = Table({
    # intake (登记、受理)
    "register": Move({NEW}, None, INTAKE),
    "accept": Move({S.RECEIVED}, S.ACCEPTED, HANDLERS),
    "refuse": Move({S.RECEIVED, S.ACCEPTED}, S.REFUSED, ROUTERS),
    "transfer": Move({S.RECEIVED, S.ACCEPTED}, S.TRANSFERRED, OFFICE),
    # handling (交办、延期)
    "assign": Move({S.RECEIVED, S.ACCEPTED}, None, ROUTERS),
    "extend": Move({S.ACCEPTED}, None, OFFICE),
    # the reply, its sign-off (审签), sending and publishing
    "draft_reply": Move({S.ACCEPTED}, None, HANDLERS),
    "submit_reply": Move({S.ACCEPTED}, S.IN_SIGNOFF, HANDLERS),
    "approve_reply": Move({S.IN_SIGNOFF}, S.APPROVED, SYSTEM),
    "return_reply": Move({S.IN_SIGNOFF}, S.ACCEPTED, SYSTEM),
    "send": Move({S.APPROVED}, S.ANSWERED, HANDLERS),
    "publish": Move({S.ANSWERED}, None, OFFICE),
    # the citizen's rating; 不满意 reopens the message once for a second handling
    "rate": Move({S.ANSWERED}, None, SYSTEM),
    "reopen": Move({S.ANSWERED}, S.ACCEPTED, SYSTEM),
})

# Verbs a member of staff may choose on the message page (the others are the chain's or the citizen's, and
# registering makes a new message).
STAFF_VERBS = tuple(verb for verb, move in MOVES.items() if move.roles and verb != "register")


def intake(organ: Organ) -> Message:
    """The not-yet-registered message whose ``register`` move is asked (the organ is all there is)."""
    return Message(organ=organ, status=NEW)


def people_who_may(organ: Organ, verb: str) -> QuerySet[User]:
    """The active people of ``organ`` holding a role the table asks for ``verb``, by name."""
    from gongkai.accounts.models import User
    from gongkai.organs.models import Membership

    ids = Membership.objects.active().filter(organ=organ, role__in=MOVES[verb].roles).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids).order_by("full_name")
