"""Every (state, verb, role) of the annual report's table of moves, walked through the service and the
workspace view: both do exactly what ``MOVES`` says, and the report page offers exactly its buttons."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.constants import ERROR
from django.urls import reverse
from django.utils import timezone

from gongkai.core.errors import InvalidTransition, NotAllowed
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role
from gongkai.reports import checks, importing, services
from gongkai.reports.models import AnnualReport, ReportOrigin, ReportScope
from gongkai.reports.workflow import (
    APPROVED,
    CHECKED,
    DRAFT,
    IMPORTED,
    MOVES,
    NEW,
    NOT_STARTED,
    PUBLISHED,
    RETURNED,
    SUBMITTED,
    blank,
    decision_waits_for,
    state_of,
)
from gongkai.signoff import services as signoff_services
from gongkai.signoff.models import Signoff, SignoffStatus, SubjectKind

pytestmark = pytest.mark.django_db

TEXTS = dict(overview="本年度主动公开政府信息情况如表。", problems="政策解读形式单一，下一步将增加图解。", other_matters="无其他需要报告的事项。")
REASON = "数据已核实，差异来自移交信访部门的申请。"
COMMENT = "请补充第五部分的改进措施。"
REPORT_HTML = (Path(__file__).resolve().parent / "fixtures" / "report_one_table.html").read_bytes()

EXISTING = [NOT_STARTED, DRAFT, CHECKED, SUBMITTED, APPROVED, PUBLISHED, RETURNED, IMPORTED]
STATES = {
    "generate": [NEW] + [s for s in EXISTING if s != IMPORTED],  # an imported copy is never the official report
    "aggregate": [NEW] + [s for s in EXISTING if s != IMPORTED],
    "import": [NEW],  # an import always makes a new copy
}
CASES = [(verb, state) for verb in MOVES for state in STATES.get(verb, EXISTING)]
PEOPLE = [str(r) for r in Role] + ["supervisor", "outsider"]

_years = itertools.count(2001)


def test_the_walk_covers_every_verb_and_state_of_the_table():
    walked = {verb for verb, _state in CASES}
    assert walked == set(MOVES)
    sources = {s for _verb, move in MOVES.items() for s in move.sources}
    assert sources <= {state for _verb, state in CASES}


class World:
    """A district government (it has department and government-wide reports) under a city whose disclosure
    office supervises it, one person per role in the district, and someone from an unrelated organ."""

    def __init__(self):
        city = GovernmentFactory()
        self.organ = GovernmentFactory(parent=city)
        self.people = {str(role): member(self.organ, role) for role in Role}
        self.people["supervisor"] = member(city, Role.DISCLOSURE_OFFICE)
        self.people["outsider"] = member(OrganFactory(), Role.DISCLOSURE_OFFICE)

    def report(self, verb: str, state: str) -> AnnualReport:
        """A report in ``state`` on which ``verb``'s other conditions hold: checks pass, except for an
        override, which needs failing checks; the texts are written; a sign-off is open or approved."""
        scope = ReportScope.GOVERNMENT if verb == "aggregate" else ReportScope.ORGAN
        # Imports may be repeated for one year (the form offers recent years only); the others need a year of their own.
        year = timezone.localdate().year - 1 if verb == "import" else next(_years)
        if state == NEW:
            report = blank(self.organ, scope)
            report.year = year
            return report
        report = AnnualReport.objects.create(
            organ=self.organ,
            year=year,
            scope=scope,
            origin=ReportOrigin.IMPORTED if state == IMPORTED else ReportOrigin.GENERATED,
            status=DRAFT if state == IMPORTED else state,
            cells={"t3.received.total": 1} if verb == "override" else {},
            **TEXTS,
        )
        report.findings = checks.run(report)
        report.save()
        if state in (SUBMITTED, APPROVED):
            signoff = signoff_services.open_signoff(
                report, organ=self.organ, kind=SubjectKind.REPORT, by=self.people[Role.DISCLOSURE_OFFICE],
                title=report.display_title, version=report.version, content_hash=report.content_hash(), important=False,
            )
            if state == APPROVED:
                Signoff.objects.filter(pk=signoff.pk).update(status=SignoffStatus.APPROVED, closed_at=timezone.now(), current_role="")
        return report


def expected_error(report, person, verb):
    """``None`` when the table lets ``person`` do ``verb`` now, else the error the service must raise."""
    if not MOVES.role_allows(report, person, verb):
        return NotAllowed
    if not MOVES.state_allows(report, verb):
        return InvalidTransition
    if verb == "signoff" and not decision_waits_for(report, person, services.pending_signoff(report)):
        return NotAllowed  # a member of the organ, but not the step the sign-off waits for
    return None


def do(report, person, verb):
    """The verb through its service."""
    calls = {
        "generate": lambda: services.generate(report.organ, report.year, by=person),
        "aggregate": lambda: services.build_government_report(report.organ, report.year, by=person),
        "edit": lambda: services.set_texts(report, by=person, **TEXTS),
        "check": lambda: services.run_checks(report, by=person),
        "override": lambda: services.override_checks(report, by=person, reason=REASON),
        "submit": lambda: services.submit(report, by=person),
        "withdraw": lambda: services.withdraw(report, by=person),
        "signoff": lambda: services.decide(report, by=person, decision="approve"),
        "publish": lambda: services.publish(report, by=person),
        "return": lambda: services.supervisor_return(report, by=person, comment=COMMENT),
        "import": lambda: importing.import_report(report.organ, report.year, by=person, content=REPORT_HTML, filename="r.html"),
    }
    return calls[verb]()


def post(client, report, person, verb):
    """The verb through its workspace view."""
    client.force_login(person)
    if verb in ("generate", "aggregate"):
        return client.post(reverse(f"reports_ws:{verb}", args=[report.organ.pk, report.year]))
    if verb == "import":
        return client.post(reverse("reports_ws:import"), {"organ": report.organ.pk, "year": report.year, "html": REPORT_HTML.decode()})
    names = {"edit": "texts", "signoff": "decide"}
    data = {"edit": TEXTS, "override": {"reason": REASON}, "signoff": {"decision": "approve"}, "return": {"comment": COMMENT}}
    return client.post(reverse(f"reports_ws:{names.get(verb, verb)}", args=[report.pk]), data.get(verb, {}))


def snapshot(report):
    if report.pk is None:
        found = AnnualReport.objects.filter(organ=report.organ, year=report.year).values_list("pk", "status", "version")
        return sorted(found)
    fresh = AnnualReport.objects.get(pk=report.pk)
    return [(fresh.pk, fresh.status, fresh.version, fresh.override_by_id, Signoff.objects.for_subject(fresh).count())]


def reached(report, verb):
    """The state the report is in after ``verb`` succeeded."""
    if verb == "import":
        return state_of(AnnualReport.objects.filter(organ=report.organ, year=report.year).latest("pk"))
    if report.pk is None:
        return state_of(AnnualReport.objects.get(organ=report.organ, year=report.year, scope=report.scope))
    return state_of(AnnualReport.objects.get(pk=report.pk))


@pytest.mark.parametrize("verb, state", CASES)
def test_the_service_does_exactly_what_the_table_allows(verb, state):
    world = World()
    refused_on = world.report(verb, state)
    for name, person in world.people.items():
        error = expected_error(refused_on, person, verb)
        if error is None:
            report = world.report(verb, state)
            do(report, person, verb)
            target = MOVES[verb].target
            assert target is None or reached(report, verb) == target, (verb, state, name)
        else:
            before = snapshot(refused_on)
            with pytest.raises(error):
                do(refused_on, person, verb)
            assert snapshot(refused_on) == before, (verb, state, name)


@pytest.mark.parametrize("verb, state", CASES)
def test_the_view_does_exactly_what_the_table_allows(client, verb, state):
    world = World()
    refused_on = world.report(verb, state)
    for name, person in world.people.items():
        error = expected_error(refused_on, person, verb)
        report = world.report(verb, state) if error is None else refused_on
        before = snapshot(report)
        response = post(client, report, person, verb)
        errors = [m for m in get_messages(response.wsgi_request) if m.level == ERROR]
        if error is None:
            assert response.status_code == 302 and not errors, (verb, state, name, response.status_code, errors)
            target = MOVES[verb].target
            assert target is None or reached(report, verb) == target, (verb, state, name)
        else:
            if verb == "import":
                # Who may import for an organ of their own is offered only that one, so this organ is a bad choice on
                # the form (400); anyone who may import for no organ is refused the page (403).
                expected = 400 if name in ("supervisor", "outsider") else 403
                assert response.status_code == expected, (state, name, response.status_code)
            elif error is NotAllowed or verb == "signoff":  # "not waiting for your decision" is a refusal in any state
                assert response.status_code == 403, (verb, state, name, response.status_code)
            else:
                assert response.status_code == 302 and errors, (verb, state, name, response.status_code)
            assert snapshot(report) == before, (verb, state, name)
        client.logout()


BUTTONS = {
    "generate": lambda r: reverse("reports_ws:generate", args=[r.organ.pk, r.year]),
    "edit": lambda r: reverse("reports_ws:texts", args=[r.pk]),
    "check": lambda r: reverse("reports_ws:check", args=[r.pk]),
    "override": lambda r: reverse("reports_ws:override", args=[r.pk]),
    "submit": lambda r: reverse("reports_ws:submit", args=[r.pk]),
    "withdraw": lambda r: reverse("reports_ws:withdraw", args=[r.pk]),
    "signoff": lambda r: reverse("reports_ws:decide", args=[r.pk]),
    "publish": lambda r: reverse("reports_ws:publish", args=[r.pk]),
    "return": lambda r: reverse("reports_ws:return", args=[r.pk]),
}


@pytest.mark.parametrize("state", [s for s in EXISTING if s != NOT_STARTED])
def test_the_report_page_offers_exactly_the_moves_of_the_table(client, state):
    world = World()
    report = world.report("override", state)  # failing checks, so an override is on offer where allowed
    for name, person in world.people.items():
        if name == "outsider":
            continue
        client.force_login(person)
        html = client.get(reverse("reports_ws:report", args=[report.pk])).content.decode()
        for verb, url in BUTTONS.items():
            offered = f'action="{url(report)}"' in html
            expected = expected_error(report, person, verb) is None
            assert offered == expected, (state, name, verb)
        client.logout()


def test_the_queues_hold_exactly_the_reports_the_table_lets_each_person_move():
    world = World()
    reports = [world.report("override", state) for state in EXISTING if state != IMPORTED]
    official = AnnualReport.objects.official()
    for verb in ("edit", "check", "override", "submit", "publish", "return"):
        for name, person in world.people.items():
            queued = set(MOVES.waiting_for(person, official, verb).values_list("pk", flat=True))
            expected = {r.pk for r in reports if MOVES.can(r, person, verb)}
            assert queued == expected, (verb, name)
