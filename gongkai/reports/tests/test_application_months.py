"""The dashboard's application counts per organ and month (docs/annual-report.md › "Performance"): the
months add up to what a direct count of the register gives; every service move that changes an application
marks its months, so the next dashboard shows the new figure; and a write that goes around the services
(save(), update(), bulk writes) is found by the periodic recount, which reports the months that drifted and
leaves them corrected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import services
from gongkai.applications.models import Application, Reply, Status
from gongkai.applications.taxonomy import ApplicantType, Outcome
from gongkai.applications.tests.factories import received
from gongkai.factories import DepartmentFactory, OrganFactory, UserFactory, member
from gongkai.organs.models import Role
from gongkai.reports import stats
from gongkai.reports.models import ApplicationMonth
from gongkai.reports.month_check import recount_current_months
from gongkai.reports.tests.factories import application
from gongkai.signoff.models import Decision

pytestmark = pytest.mark.django_db

MEASURES = ("received", "closed", "timed", "timely", "internal", "internal_ok")
EXCLUDED = (Status.MERGED, Status.SPAM, Status.AWAITING_CONFIRMATION)


def direct(organ_ids, year) -> dict:
    """The figures counted straight from the records, in Python."""
    out: dict = {}
    for a in Application.objects.filter(organ_id__in=organ_ids).prefetch_related("replies"):
        if a.received_on is None or a.status in EXCLUDED:
            continue
        figures = out.setdefault((a.organ_id, a.channel, a.applicant_type, a.outcome), dict.fromkeys(MEASURES, 0))
        figures["received"] += a.received_on.year == year
        if a.closed_on is not None and a.closed_on.year == year:
            figures["closed"] += 1
            figures["timed"] += a.due_on is not None
            figures["timely"] += a.due_on is not None and a.closed_on <= a.due_on
            figures["internal"] += a.internal_due_on is not None
            figures["internal_ok"] += a.internal_due_on is not None and any(
                timezone.localtime(r.created_at).date() <= a.internal_due_on for r in a.replies.all())
    return {key: f for key, f in out.items() if any(f.values())}


def from_months(organ_ids, year) -> dict:
    out: dict = {}
    for row in stats.application_groups(organ_ids, year):
        figures = out.setdefault((row["organ_id"], row["channel"], row["applicant_type"], row["outcome"]),
                                 dict.fromkeys(MEASURES, 0))
        for m in MEASURES:
            figures[m] += row[m]
    return {key: f for key, f in out.items() if any(f.values())}


def charts(organ_ids, year, across=False):
    return {c.code: c for c in stats.dashboard(organ_ids, year, across=across)}


def month_of(organ, day) -> ApplicationMonth:
    return ApplicationMonth.objects.get(organ=organ, month=day.replace(day=1))


def stale(organ, day) -> bool:
    row = ApplicationMonth.objects.filter(organ=organ, month=day.replace(day=1)).first()
    return row is None or row.counted != row.changes


def draft(case, on: dt.datetime, user):
    reply = Reply.objects.create(application=case, version=Reply.objects.filter(application=case).count() + 1,
                                 outcome="disclosed", legal_basis="第二十七条", body="答复", content_hash="0" * 64,
                                 created_by=user)
    Reply.objects.filter(pk=reply.pk).update(created_at=on)
    return reply


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def organ():
    return OrganFactory()


@pytest.fixture
def people(organ):
    department = DepartmentFactory(organ=organ, name="综合科")
    return {
        "clerk": member(organ, Role.CLERK, department=department),
        "office": member(organ, Role.DISCLOSURE_OFFICE),
        "chain": [member(organ, Role.DEPARTMENT_HEAD), member(organ, Role.DEPUTY_LEADER), member(organ, Role.PRINCIPAL_LEADER)],
    }


@pytest.fixture
def workday():
    from gongkai.workdays.calendar import current

    day = timezone.localdate() - dt.timedelta(days=1)
    while not current().is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def test_the_month_counts_add_up_to_a_direct_count_of_the_register(organ):
    user, other = UserFactory(), OrganFactory()
    ok = application(organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 20), outcome="disclosed",
                     due_on=dt.date(2025, 3, 29), internal_due_on=dt.date(2025, 3, 10), channel="letter")
    late = application(organ, received_on=dt.date(2025, 4, 1), closed_on=dt.date(2025, 5, 20), outcome="disclosed",
                       due_on=dt.date(2025, 4, 29), internal_due_on=dt.date(2025, 4, 10), applicant_type="commercial")
    application(organ, received_on=dt.date(2024, 12, 1), closed_on=dt.date(2025, 1, 5), outcome="not_held",
                due_on=dt.date(2024, 12, 29))  # received last year, closed this year
    application(organ, received_on=dt.date(2025, 12, 31), closed_on=dt.date(2026, 1, 4), outcome="disclosed")  # closed next year
    application(organ, received_on=dt.date(2025, 12, 30))  # still open
    application(organ, received_on=dt.date(2025, 6, 1), status=Status.MERGED)  # not counted
    application(organ, received_on=None, status=Status.AWAITING_CONFIRMATION)  # not received yet
    application(other, received_on=dt.date(2025, 3, 2), closed_on=dt.date(2025, 3, 3), outcome="disclosed")
    draft(ok, at(2025, 3, 10, 23), user)  # local date: on the target
    draft(late, at(2025, 4, 11, 0), user)  # local midnight: the day after it
    for year in (2024, 2025, 2026):
        assert from_months([organ.pk, other.pk], year) == direct([organ.pk, other.pk], year)
    assert direct([organ.pk], 2025)[(organ.pk, "letter", ApplicantType.NATURAL_PERSON, "disclosed")]["internal_ok"] == 1
    result = charts([organ.pk], 2025)
    assert dict(result["apps_channel"].rows) == {"信函": 1, "网上申请": 3}
    assert result["apps_timeliness"].values == [50.0, 33.3]
    assert ApplicationMonth.objects.filter(organ=organ, month__year=2025).count() == 12


def test_a_receipt_marks_its_month_and_is_counted_on_the_next_dashboard(organ, people, workday, django_capture_on_commit_callbacks):
    year = workday.year
    assert sum(charts([organ.pk], year)["apps_channel"].values) == 0
    assert not stale(organ, workday)
    with django_capture_on_commit_callbacks(execute=True):
        received(organ, on=workday, by=people["clerk"])
    assert stale(organ, workday)
    assert dict(charts([organ.pk], year)["apps_channel"].rows) == {"信函": 1}
    assert not stale(organ, workday)


def test_closing_with_an_outcome_and_a_reply_is_counted_in_the_closing_month(organ, people, workday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.claim(received(organ, on=workday, by=people["clerk"]), by=people["clerk"])
    assert charts([organ.pk], workday.year)["apps_outcome"].values == []
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.draft_reply(case, outcome=Outcome.PARTIAL, legal_basis="《条例》第三十七条", body="部分公开",
                                     documents_provided="报告（删除个人信息）", by=people["clerk"])
        services.submit_reply(reply, by=people["clerk"])
        for person in people["chain"]:
            reply = services.decide_reply(reply, by=person, decision=Decision.APPROVE)
        case.refresh_from_db()
        case = services.record_delivery(case, via="online", by=people["clerk"])
    assert stale(organ, case.closed_on)
    result = charts([organ.pk], case.closed_on.year)
    assert dict(result["apps_outcome"].rows) == {str(Outcome.PARTIAL.label): 1}
    assert result["apps_timeliness"].values == [100.0, 100.0]  # drafted today, by the internal target
    assert from_months([organ.pk], case.closed_on.year) == direct([organ.pk], case.closed_on.year)
    assert recount_current_months(organ_ids=[organ.pk]) == []  # the moves marked every month they changed


def drifted(organ, *months) -> list:
    return [(organ.pk, dt.date(*m, 1)) for m in months]


def test_a_draft_reply_of_a_closed_case_is_counted_for_the_internal_target(organ, django_capture_on_commit_callbacks):
    case = application(organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 4, 2), outcome="disclosed",
                       due_on=dt.date(2025, 3, 29), internal_due_on=dt.date(2025, 3, 10))
    assert charts([organ.pk], 2025)["apps_timeliness"].values == [0, 0]
    with django_capture_on_commit_callbacks(execute=True):
        reply = Reply.objects.create(application=case, version=1, outcome="disclosed", legal_basis="第二十七条", body="答复",
                                     content_hash="0" * 64, created_by=UserFactory())
    assert recount_current_months(organ_ids=[organ.pk]) == []  # made today: after the target, nothing changes
    assert charts([organ.pk], 2025)["apps_timeliness"].values == [0, 0]
    with django_capture_on_commit_callbacks(execute=True):
        Reply.objects.filter(pk=reply.pk).update(created_at=at(2025, 3, 9))
    assert recount_current_months(organ_ids=[organ.pk]) == drifted(organ, (2025, 4))
    assert charts([organ.pk], 2025)["apps_timeliness"].values == [100.0, 0]


@pytest.mark.parametrize("how", ["save", "update", "bulk_update"])
def test_a_date_of_receipt_corrected_outside_the_services_is_found_by_the_recount(organ, how, django_capture_on_commit_callbacks):
    case = application(organ, received_on=dt.date(2025, 3, 30))
    assert charts([organ.pk], 2025)["apps_channel"].values == [1]
    with django_capture_on_commit_callbacks(execute=True):
        if how == "update":
            Application.objects.filter(pk=case.pk).update(received_on=dt.date(2025, 4, 2), channel="letter")
        else:
            case.received_on, case.channel = dt.date(2025, 4, 2), "letter"
            case.save() if how == "save" else Application.objects.bulk_update([case], ["received_on", "channel"])
    assert recount_current_months(organ_ids=[organ.pk]) == drifted(organ, (2025, 3), (2025, 4))
    assert dict(charts([organ.pk], 2025)["apps_channel"].rows) == {"信函": 1}
    assert from_months([organ.pk], 2025) == direct([organ.pk], 2025)


@pytest.mark.parametrize("how", ["save", "update", "bulk_update"])
def test_dates_corrected_outside_the_services_are_found_by_the_recount(organ, how, django_capture_on_commit_callbacks):
    case = application(organ, received_on=dt.date(2025, 3, 30), closed_on=dt.date(2025, 4, 30), outcome="disclosed")
    result = charts([organ.pk], 2025)
    assert (sum(result["apps_channel"].values), sum(result["apps_outcome"].values)) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "save":
            case.received_on, case.closed_on = dt.date(2024, 12, 30), dt.date(2024, 12, 31)
            case.save()
        elif how == "update":
            Application.objects.filter(pk=case.pk).update(received_on=dt.date(2024, 12, 30), closed_on=dt.date(2024, 12, 31))
        else:
            case.received_on, case.closed_on = dt.date(2024, 12, 30), dt.date(2024, 12, 31)
            Application.objects.bulk_update([case], ["received_on", "closed_on"])
    assert recount_current_months(organ_ids=[organ.pk]) == drifted(organ, (2025, 3), (2025, 4))
    result = charts([organ.pk], 2025)
    assert (sum(result["apps_channel"].values), sum(result["apps_outcome"].values)) == (0, 0)
    assert sum(charts([organ.pk], 2024)["apps_channel"].values) == 1


def test_a_save_of_fields_the_counts_do_not_read_leaves_no_drift(organ, django_capture_on_commit_callbacks):
    case = application(organ, received_on=dt.date(2025, 3, 30))
    charts([organ.pk], 2025)
    with django_capture_on_commit_callbacks(execute=True):
        case.subject = "新的标题"
        case.save()
        case.save(update_fields=["subject"])
        Application.objects.filter(pk=case.pk).update(subject="又一个标题")
    assert not stale(organ, dt.date(2025, 3, 1))
    assert recount_current_months(organ_ids=[organ.pk]) == []


def test_withdrawal_is_counted_as_closed_in_its_month(organ, people, workday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = received(organ, on=workday, by=people["clerk"])
    assert charts([organ.pk], workday.year)["apps_outcome"].values == []
    with django_capture_on_commit_callbacks(execute=True):
        case = services.withdraw(case, by=people["clerk"], reason="申请人电话撤回")
    assert dict(charts([organ.pk], workday.year)["apps_outcome"].rows) == {str(Outcome.OTHER.label): 1}
    assert from_months([organ.pk], workday.year) == direct([organ.pk], workday.year)


def test_a_merged_application_leaves_the_counts_and_split_parts_join_them(organ, people, workday, django_capture_on_commit_callbacks):
    clerk = people["clerk"]
    with django_capture_on_commit_callbacks(execute=True):
        first, second = received(organ, on=workday, by=clerk), received(organ, on=workday, by=clerk)
    assert sum(charts([organ.pk], workday.year)["apps_channel"].values) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.merge(second, into=first, by=clerk)
    assert sum(charts([organ.pk], workday.year)["apps_channel"].values) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.split(services.claim(first, by=clerk), parts=[{"subject": "2024年预算"}, {"subject": "2023年预算"}], by=clerk)
    assert sum(charts([organ.pk], workday.year)["apps_channel"].values) == 3
    assert from_months([organ.pk], workday.year) == direct([organ.pk], workday.year)


def test_a_confirmed_receipt_is_counted_and_spam_is_not(organ, people, django_capture_on_commit_callbacks):
    from gongkai.applications.tests.factories import person_data

    year = timezone.localdate().year
    with django_capture_on_commit_callbacks(execute=True):
        web = services.submit_application(organ=organ, channel="web", data=person_data()).application
        junk = services.submit_application(organ=organ, channel="web", data=person_data(subject="广告")).application
    assert sum(charts([organ.pk], year)["apps_channel"].values) == 0  # waiting for confirmation
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_receipt(web, by=people["office"])
        services.mark_spam(junk, by=people["office"], reason="广告")
    assert dict(charts([organ.pk], year)["apps_channel"].rows) == {"网上申请": 1}
    assert from_months([organ.pk], year) == direct([organ.pk], year)


def test_a_closing_date_set_in_bulk_is_found_in_the_closing_month(organ, django_capture_on_commit_callbacks):
    case = application(organ, received_on=dt.date(2025, 3, 3), outcome="disclosed", status=Status.CLOSED)
    assert charts([organ.pk], 2025)["apps_outcome"].values == []
    with django_capture_on_commit_callbacks(execute=True):
        Application.objects.filter(pk=case.pk).update(closed_on=dt.date(2025, 8, 8))
    assert recount_current_months(organ_ids=[organ.pk]) == drifted(organ, (2025, 8))
    assert not stale(organ, dt.date(2025, 8, 1))
    assert charts([organ.pk], 2025)["apps_outcome"].values == [1]


def test_a_deadline_changed_in_bulk_drifts_only_the_months_of_closed_cases(organ, django_capture_on_commit_callbacks):
    closed = application(organ, received_on=dt.date(2025, 3, 3), closed_on=dt.date(2025, 5, 6), outcome="disclosed",
                         due_on=dt.date(2025, 4, 1))
    application(organ, received_on=dt.date(2025, 7, 1), due_on=dt.date(2025, 7, 29))  # running
    assert charts([organ.pk], 2025)["apps_timeliness"].values == [0, 0]
    with django_capture_on_commit_callbacks(execute=True):
        Application.objects.filter(organ=organ).update(due_on=dt.date(2025, 6, 1))
    assert recount_current_months(organ_ids=[organ.pk]) == drifted(organ, (2025, 5))
    assert charts([organ.pk], 2025)["apps_timeliness"].values == [0, 100.0]
    assert closed.pk


def test_bulk_created_applications_are_found_in_their_months(organ, django_capture_on_commit_callbacks):
    charts([organ.pk], 2025)
    template = application(organ, received_on=dt.date(2024, 1, 1))
    rows = []
    for n in range(3):
        copy = Application.objects.get(pk=template.pk)
        copy.pk, copy.tracking_number, copy.received_on = None, f"BULK-{organ.pk}-{n}", dt.date(2025, 2 + n, 1)
        rows.append(copy)
    with django_capture_on_commit_callbacks(execute=True):
        Application.objects.bulk_create(rows)
    assert recount_current_months(organ_ids=[organ.pk]) == drifted(organ, (2025, 2), (2025, 3), (2025, 4))
    assert charts([organ.pk], 2025)["apps_channel"].values == [3]


def test_the_dashboard_across_organs_adds_up_each_organs_months(organ):
    other = OrganFactory()
    application(organ, received_on=dt.date(2025, 6, 1))
    application(other, received_on=dt.date(2025, 6, 2))
    application(other, received_on=dt.date(2025, 7, 2), closed_on=dt.date(2025, 7, 3), outcome="disclosed")
    result = charts([organ.pk, other.pk], 2025, across=True)
    assert result["organs_apps"].values == [1, 2]
    assert sum(result["apps_outcome"].values) == 1


DAYS = st.dates(min_value=dt.date(2024, 11, 1), max_value=dt.date(2026, 2, 28))
STEP = st.one_of(
    st.tuples(st.just("create"), DAYS, st.none() | st.integers(0, 60), st.sampled_from(["web", "letter"])),
    st.tuples(st.just("receive"), st.integers(0, 9), DAYS, st.sampled_from(["save", "update", "bulk_update"])),
    st.tuples(st.just("close"), st.integers(0, 9), st.integers(0, 60), st.sampled_from(["disclosed", "not_held", "other"]),
              st.sampled_from(["save", "update", "bulk_update"])),
    st.tuples(st.just("closed_on"), st.integers(0, 9), st.none() | st.integers(0, 60), st.sampled_from(["save", "update", "bulk_update"])),
    st.tuples(st.just("reopen"), st.integers(0, 9), st.sampled_from(["save", "update"])),
    st.tuples(st.just("status"), st.integers(0, 9), st.sampled_from([Status.MERGED, Status.SPAM, Status.IN_PROGRESS]),
              st.sampled_from(["save", "update"])),
    st.tuples(st.just("deadlines"), st.integers(0, 9), st.none() | st.integers(0, 40), st.none() | st.integers(0, 40),
              st.sampled_from(["save", "update", "bulk_update"])),
    st.tuples(st.just("reply"), st.integers(0, 9), st.integers(0, 40)),
    st.tuples(st.just("organ"), st.integers(0, 9), st.sampled_from(["save", "update"])),
    st.just(("dashboard",)),
)


def _write(case, how, **values):
    if how == "update":
        Application.objects.filter(pk=case.pk).update(**values)
        case.refresh_from_db()
        return
    for name, value in values.items():
        setattr(case, name, value)
    if how == "save":
        case.save()
    else:
        Application.objects.bulk_update([case], list(values))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_after_any_sequence_of_direct_writes_the_recount_makes_the_months_equal_to_a_direct_count(
        steps, django_capture_on_commit_callbacks):
    organs = [OrganFactory(), OrganFactory()]
    ids = [o.pk for o in organs]
    user = UserFactory()
    cases: list[Application] = []
    for step in steps:
        kind, *args = step
        with django_capture_on_commit_callbacks(execute=True):
            if kind == "create":
                day, closed_after, channel = args
                closed_on = day + dt.timedelta(days=closed_after) if closed_after is not None else None
                cases.append(application(organs[0], received_on=day, closed_on=closed_on, channel=channel,
                                         outcome="disclosed" if closed_on else "", due_on=day + dt.timedelta(days=20),
                                         internal_due_on=day + dt.timedelta(days=10)))
            elif kind == "dashboard":
                stats.application_groups(ids, 2025)
            elif cases:
                case = cases[args[0] % len(cases)]
                case.refresh_from_db()
                if kind == "receive":
                    _write(case, args[2], received_on=args[1])
                elif kind == "close":
                    _write(case, args[3], closed_on=case.received_on + dt.timedelta(days=args[1]) if case.received_on else None,
                           outcome=args[2], status=Status.CLOSED)
                elif kind == "closed_on":  # the date alone, as a correction of it would
                    day = None if args[1] is None or case.received_on is None else case.received_on + dt.timedelta(days=args[1])
                    _write(case, args[2], closed_on=day)
                elif kind == "reopen":
                    _write(case, args[1], closed_on=None, outcome="", status=Status.IN_PROGRESS)
                elif kind == "status":
                    _write(case, args[2], status=args[1])
                elif kind == "deadlines":
                    base = case.received_on or dt.date(2025, 1, 1)
                    _write(case, args[3], due_on=None if args[1] is None else base + dt.timedelta(days=args[1]),
                           internal_due_on=None if args[2] is None else base + dt.timedelta(days=args[2]))
                elif kind == "reply":
                    base = case.received_on or dt.date(2025, 1, 1)
                    draft(case, timezone.make_aware(dt.datetime.combine(base + dt.timedelta(days=args[1]), dt.time(12))), user)
                elif kind == "organ":
                    _write(case, args[1], organ_id=organs[1].pk if case.organ_id == organs[0].pk else organs[0].pk)
    recount_current_months(organ_ids=ids)
    for year in (2024, 2025, 2026):
        assert from_months(ids, year) == direct(ids, year)


def test_the_nightly_recount_command_reports_the_months_that_drifted(organ, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import CommandError, call_command

    case = application(organ, received_on=dt.date(2025, 3, 3))
    charts([organ.pk], 2025)
    Application.objects.filter(pk=case.pk).update(received_on=dt.date(2025, 6, 3))
    with pytest.raises(CommandError):
        call_command("check_application_months", "--year", "2025", "--fail-on-drift", stdout=StringIO())
    out = StringIO()
    call_command("check_application_months", "--year", "2025", stdout=out)  # the first run corrected them
    assert out.getvalue().strip().endswith("0 month(s) had drifted.")
    assert charts([organ.pk], 2025)["apps_channel"].values == [1]
    assert from_months([organ.pk], 2025) == direct([organ.pk], 2025)


def test_the_nightly_recount_runs_on_celery_beat_and_repairs_drift(organ, django_capture_on_commit_callbacks):
    from gongkai.celery import app
    from gongkai.reports.tasks import check_application_months

    assert app.conf.beat_schedule["reports-check-application-months"]["task"] == check_application_months.name
    case = application(organ, received_on=dt.date(2025, 3, 30))
    assert charts([organ.pk], 2025)["apps_channel"].values == [1]
    with django_capture_on_commit_callbacks(execute=True):
        Application.objects.filter(pk=case.pk).update(received_on=dt.date(2025, 4, 2), channel="letter")
    assert check_application_months.apply().get() == 2
    assert from_months([organ.pk], 2025) == direct([organ.pk], 2025)
    assert check_application_months.apply().get() == 0
