"""The annual report's table of moves: from which states each verb may be done, by which roles.

Services check a move with ``check(report, by, verb)`` (``MOVES.check`` with the report's own wording);
the workspace shows the buttons of ``MOVES.allowed(report, user)``; a queue is
``MOVES.waiting_for(user, AnnualReport.objects.official(), verb)``.

States beyond ``ReportStatus``:

- ``NEW``: a report that does not exist yet (an unsaved ``AnnualReport``, see ``blank``). Generating or
  importing starts from it, so the question "may this person generate the report" has an answer before
  the row exists.
- ``IMPORTED``: a copy of a report published elsewhere. It is read and checked, never changed or published
  here, whatever its status column says.

Moves that change the content (``generate``, ``aggregate``, ``edit``) and ``withdraw`` leave the report
``draft`` or ``checked`` as its checks decide, and ``signoff`` leaves it ``approved`` after the last step or ``returned``
when a step returns it, so their target is ``None`` (decided by the service, not by the table).

Two moves are not decided by a role held in the report's own organ:

- ``signoff``: any member of the organ, in the table; which step's role decides now is the sign-off's own
  rule (``Signoff.current_role``, checked by ``gongkai.signoff.services.decide``).
- ``return``: the disclosure office (公开办) of a government strictly above the report's organ
  (``SUPERVISOR_MOVES``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongkai.core.errors import InvalidTransition, NotAllowed
from gongkai.organs.models import Organ, OrganKind, Role
from gongkai.organs.permissions import has_role, memberships
from gongkai.organs.workflow import Move, Workflow
from gongkai.reports.models import AnnualReport, ReportOrigin, ReportScope, ReportStatus

NEW = "new"
IMPORTED = "imported"

NOT_STARTED = ReportStatus.NOT_STARTED
DRAFT = ReportStatus.DRAFT
CHECKED = ReportStatus.CHECKED
SUBMITTED = ReportStatus.SUBMITTED
APPROVED = ReportStatus.APPROVED
PUBLISHED = ReportStatus.PUBLISHED
RETURNED = ReportStatus.RETURNED

PREPARE = (Role.DISCLOSURE_OFFICE, Role.CLERK)  # who prepares the organ's report
LEADERS = (Role.PRINCIPAL_LEADER, Role.DEPUTY_LEADER)
ANY_MEMBER = tuple(Role)

EDITABLE = {DRAFT, CHECKED, RETURNED}

SUPERVISOR_MOVES = frozenset({"return"})


def state_of(report: AnnualReport) -> str:
    if report.pk is None:
        return NEW
    if report.origin == ReportOrigin.IMPORTED:
        return IMPORTED
    return str(report.status)


class ReportWorkflow(Workflow):
    """The shared table mechanism, with the supervising office's moves decided above the organ."""

    def role_allows(self, obj: Any, user: Any, verb: str) -> bool:
        if verb in SUPERVISOR_MOVES:
            return supervises_from_above(user, self.organ_of(obj), *self.moves[verb].roles)
        return super().role_allows(obj, user, verb)

    def check(self, obj: Any, user: Any, verb: str) -> Move:
        if verb in SUPERVISOR_MOVES and not self.role_allows(obj, user, verb):
            raise NotAllowed(
                _("Only the supervising office above %(organ)s may return its report.") % {"organ": self.organ_of(obj).name}
            )
        return super().check(obj, user, verb)

    def waiting_for(self, user: Any, queryset: QuerySet, verb: str) -> QuerySet:
        if verb not in SUPERVISOR_MOVES:
            return super().waiting_for(user, queryset, verb)
        move = self.moves[verb]
        above = Q(pk__in=[])
        for government in _governments(user, *move.roles):
            above |= Q(**{f"{self.organ_field}__path__startswith": government.path}) & ~Q(**{self.organ_field: government})
        return queryset.filter(above, **{f"{self.state_field}__in": move.sources})


MOVES = ReportWorkflow(
    {
        # Fill the tables from the platform's records (department report).
        "generate": Move({NEW, NOT_STARTED} | EDITABLE, None, PREPARE),
        # Add up the organs below a government (government-wide report; the organ must be a government).
        "aggregate": Move({NEW, NOT_STARTED} | EDITABLE, None, (Role.DISCLOSURE_OFFICE,)),
        # Figures entered by hand, read from a spreadsheet, text sections.
        "edit": Move(EDITABLE, None, PREPARE),
        # Run the checks again (they may be read on any report, imported copies too).
        "check": Move({NOT_STARTED, DRAFT, CHECKED, SUBMITTED, APPROVED, PUBLISHED, RETURNED, IMPORTED}, None, PREPARE),
        # A named leader accepts failing checks in writing.
        "override": Move({DRAFT, CHECKED, SUBMITTED, APPROVED, RETURNED}, None, LEADERS),
        "submit": Move(EDITABLE, SUBMITTED, PREPARE),
        # Take a submitted report back from its sign-off to change it (the checks decide draft or checked).
        "withdraw": Move({SUBMITTED}, None, PREPARE),
        "signoff": Move({SUBMITTED}, None, ANY_MEMBER),
        "publish": Move({APPROVED}, PUBLISHED, (Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN)),
        "return": Move({DRAFT, CHECKED, SUBMITTED, APPROVED}, RETURNED, (Role.DISCLOSURE_OFFICE,)),
        # Keep a copy of a report published elsewhere, for comparison and checks.
        "import": Move({NEW}, IMPORTED, PREPARE),
    },
    state_of=state_of,
)


def blank(organ: Organ, scope: str = ReportScope.ORGAN, *, origin: str = ReportOrigin.GENERATED) -> AnnualReport:
    """A report not yet made, to ask the table whether someone may make it."""
    return AnnualReport(organ=organ, scope=scope, origin=origin, status=NOT_STARTED)


def check(report: AnnualReport, by: Any, verb: str) -> Move:
    """``MOVES.check`` in the report's words: the wrong state names the report's status."""
    try:
        return MOVES.check(report, by, verb)
    except InvalidTransition as error:
        if state_of(report) == IMPORTED:
            raise InvalidTransition(
                _("An imported report is a copy of a document published elsewhere: it is read and checked, not changed or published here.")
            ) from error
        raise InvalidTransition(
            _("The report is %(status)s; this cannot be done now.") % {"status": ReportStatus(report.status).label},
            field=error.field,
        ) from error


def _governments(user: Any, *roles: str) -> list[Organ]:
    return [m.organ for m in memberships(user) if m.role in roles and m.organ.kind == OrganKind.GOVERNMENT]


def supervises_from_above(user: Any, organ: Organ, *roles: str) -> bool:
    """``user`` holds one of ``roles`` (the disclosure office) in a government strictly above ``organ``."""
    roles = roles or (Role.DISCLOSURE_OFFICE,)
    return any(organ.path.startswith(g.path) and g.pk != organ.pk for g in _governments(user, *roles))


def decision_waits_for(report: AnnualReport, user: Any, signoff: Any) -> bool:
    """Whether the report's pending sign-off (``signoff``, or ``None``) waits for ``user``'s decision now."""
    return bool(
        signoff is not None
        and MOVES.can(report, user, "signoff")
        and has_role(user, report.organ, signoff.current_role)
    )
