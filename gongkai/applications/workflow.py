"""The table of moves of an application (依申请公开的办理流程) and of an appeal against a decision.

Services say ``MOVES.check(application, by, verb)`` before changing anything; the case page shows the buttons
of ``MOVES.allowed(application, user)``; queues ask ``MOVES.waiting_for``. A move open to the applicant too
(withdrawing, correcting) or done by the system (closing after a missed deadline, recomputing) checks the role
only when a member of staff does it: ``MOVES.check_state`` checks the state alone.

Approving or returning a reply in sign-off has no roles here: who decides is the current step of the organ's
sign-off chain (``gongkai.signoff``), asked by the sign-off service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from gongkai.applications.states import RUNNING_STATES, Status
from gongkai.applications.taxonomy import AppealResult
from gongkai.core.errors import InvalidTransition
from gongkai.organs.models import Organ, Role
from gongkai.organs.workflow import Move, Workflow

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from gongkai.accounts.models import User

S = Status
# The state of an application not yet in the register (staff registering a letter, fax, in-person or oral
# application) and of an appeal not yet recorded.
NEW = ""
HANDLERS = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICE)
ROUTERS = (Role.DISCLOSURE_OFFICE, Role.DEPARTMENT_HEAD)
INTAKE = (Role.CLERK, Role.DISCLOSURE_OFFICE)
LEADERS = (Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER)
# Who settles a sensitive-content finding in a file to be released: a false positive, or redaction.
FINDING_RESOLVERS = (Role.CONFIDENTIALITY_REVIEWER, Role.DISCLOSURE_OFFICE, Role.DEPARTMENT_HEAD)
SYSTEM: tuple[str, ...] = ()  # done by the platform or the sign-off chain, never by a role of this table

HANDLING = {S.RECEIVED, S.IN_PROGRESS}
OPEN = {*RUNNING_STATES, S.AWAITING_CONFIRMATION}


class Table(Workflow):
    """A workflow whose refusals for the wrong state say what the state is (``explain``)."""

    def __init__(self, moves: Mapping[str, Move], *, explain: Callable[[Any], str], **options: Any) -> None:
        super().__init__(moves, **options)
        self.explain = explain

    def role_allows(self, obj: Any, user: Any, verb: str) -> bool:
        # a move without roles is the platform's or the sign-off chain's: no role of this table gives it
        return bool(self.moves[verb].roles) and super().role_allows(obj, user, verb)

    def check_state(self, obj: Any, verb: str) -> Move:
        """Raise ``InvalidTransition`` when ``obj``'s state does not allow ``verb`` (whoever asks)."""
        if not self.state_allows(obj, verb):
            raise InvalidTransition(self.explain(obj), field=self.state_field)
        return self.moves[verb]

    def check(self, obj: Any, user: Any, verb: str) -> Move:
        if not self.role_allows(obj, user, verb):
            super().check(obj, user, verb)  # raises NotAllowed naming the roles
        return self.check_state(obj, verb)

    def check_open(self, obj: Any, by: Any, verb: str) -> Move:
        """For a verb the applicant or the platform may do too: the role is asked only of a signed-in person."""
        assert verb in APPLICANT_OR_STAFF, verb
        if getattr(by, "is_authenticated", False):
            return self.check(obj, by, verb)
        return self.check_state(obj, verb)

    def target(self, obj: Any, verb: str) -> str:
        """The state ``verb`` leads ``obj`` into (its own when the move leaves the state as it is)."""
        return self.moves[verb].target or self.state_of(obj)


def _explain_application(application: Any) -> str:
    return _("This cannot be done while the application is “%(status)s”.") % {"status": application.get_status_display()}


MOVES = Table({
    # intake (受理)
    "register": Move({NEW}, None, INTAKE),
    "confirm_receipt": Move({S.AWAITING_CONFIRMATION}, S.RECEIVED, INTAKE),
    "mark_spam": Move({S.AWAITING_CONFIRMATION}, S.SPAM, (Role.DISCLOSURE_OFFICE,)),
    # handling (分办、承办)
    "route": Move({S.RECEIVED, S.IN_PROGRESS, S.CONSULTING, S.AWAITING_FEE}, None, ROUTERS),
    "claim": Move(HANDLING, S.IN_PROGRESS, HANDLERS),
    "assign": Move({S.RECEIVED, S.IN_PROGRESS, S.CONSULTING, S.AWAITING_FEE, S.CORRECTION_REQUESTED}, None, ROUTERS),
    "add_note": Move(Status.values, None, (*HANDLERS, *LEADERS)),
    "set_flags": Move(OPEN, None, HANDLERS),
    "merge": Move({S.AWAITING_CONFIRMATION, S.RECEIVED, S.IN_PROGRESS}, S.MERGED, HANDLERS),
    "split": Move(HANDLING, None, HANDLERS),
    # correction (补正, Art. 30)
    "request_correction": Move(HANDLING, S.CORRECTION_REQUESTED, HANDLERS),
    "submit_correction": Move({S.CORRECTION_REQUESTED}, S.IN_PROGRESS, HANDLERS),
    "close_uncorrected": Move({S.CORRECTION_REQUESTED}, S.CLOSED, HANDLERS),
    # consultation (征求意见, Art. 32, 34)
    "start_consultation": Move({S.RECEIVED, S.IN_PROGRESS, S.CONSULTING}, S.CONSULTING, HANDLERS),
    "answer_consultation": Move({S.CONSULTING}, None, HANDLERS),
    # extension (延期, Art. 33)
    "extend": Move({S.RECEIVED, S.IN_PROGRESS, S.CONSULTING, S.AWAITING_FEE}, None, (Role.DISCLOSURE_OFFICE,)),
    # fee (信息处理费)
    "charge_fee": Move(HANDLING, S.AWAITING_FEE, HANDLERS),
    "record_payment": Move({S.AWAITING_FEE}, S.IN_PROGRESS, HANDLERS),
    "close_unpaid": Move({S.AWAITING_FEE}, S.CLOSED, HANDLERS),
    # reply, sign-off, delivery (答复、审签、送达)
    "draft_reply": Move(HANDLING, None, HANDLERS),
    # the files released with the reply (随复函提供的信息): changed only before the reply goes to sign-off
    "edit_released_files": Move(HANDLING, None, HANDLERS),
    "resolve_file_finding": Move(HANDLING, None, FINDING_RESOLVERS),
    "submit_reply": Move(HANDLING, S.IN_SIGNOFF, HANDLERS),
    "approve_reply": Move({S.IN_SIGNOFF}, S.APPROVED, SYSTEM),
    "return_reply": Move({S.IN_SIGNOFF}, S.IN_PROGRESS, SYSTEM),
    "record_delivery": Move({S.APPROVED}, S.CLOSED, HANDLERS),
    # the end of a case without a reply
    "withdraw": Move(OPEN, S.WITHDRAWN, HANDLERS),
    "recompute": Move(RUNNING_STATES, None, SYSTEM),
}, explain=_explain_application)

# Verbs the applicant (or, after a missed deadline, the platform) may also do: staff need the table's role.
APPLICANT_OR_STAFF = frozenset({"submit_correction", "withdraw", "close_uncorrected", "close_unpaid"})


def people_who_may(organ: Organ, verb: str) -> QuerySet[User]:
    """The active people of ``organ`` holding a role the table asks for ``verb`` (e.g. the handlers one may
    assign a case to), by name."""
    from gongkai.accounts.models import User
    from gongkai.organs.models import Membership

    ids = Membership.objects.active().filter(organ=organ, role__in=MOVES[verb].roles).values_list("user_id", flat=True)
    return User.objects.filter(pk__in=ids).order_by("full_name")


def _appeal_state(appeal: Any) -> str:
    return NEW if appeal.pk is None else str(appeal.result)


# 行政复议 / 行政诉讼 (table 四): recorded by the office or a clerk, decided once.
APPEALS = Table(
    {
        "record_appeal": Move({NEW}, AppealResult.PENDING, (Role.DISCLOSURE_OFFICE, Role.CLERK)),
        "decide_appeal": Move({AppealResult.PENDING}, None, (Role.DISCLOSURE_OFFICE, Role.CLERK)),
    },
    state_of=_appeal_state,
    state_field="result",
    explain=lambda appeal: _("This appeal already has a result."),
)
