"""Properties of the deadline arithmetic (Hypothesis), on the package calendar
2004–2026 plus Monday–Friday years around it."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.workdays.calendar import Period, WorkCalendar

# The machine running CI is shared: slow draws are not a failure of the code.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)

CAL = WorkCalendar()
days_in_range = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 6, 30))
periods = st.builds(
    lambda start, length, reason: Period(start, start + dt.timedelta(days=length), reason),
    days_in_range,
    st.integers(min_value=0, max_value=40),
    st.sampled_from(["third party", "other agency", "fee"]),
)


@relaxed
@given(days_in_range, st.integers(min_value=1, max_value=60), st.lists(periods, max_size=3))
def test_the_due_date_is_a_working_day(start, days, excluded):
    due = CAL.add_working_days(start, days, excluded).due

    assert CAL.is_working_day(due)
    assert not any(p.contains(due) for p in excluded)


@relaxed
@given(days_in_range, st.integers(min_value=0, max_value=60), st.lists(periods, max_size=3), periods)
def test_adding_an_excluded_period_never_makes_a_deadline_earlier(start, days, excluded, extra):
    before = CAL.add_working_days(start, days, excluded).due
    after = CAL.add_working_days(start, days, [*excluded, extra]).due

    assert after >= before


@relaxed
@given(days_in_range, st.integers(min_value=0, max_value=60), st.lists(periods, max_size=3))
def test_recomputation_is_idempotent(start, days, excluded):
    first = CAL.add_working_days(start, days, excluded)
    again = CAL.add_working_days(start, days, list(excluded))

    assert first.as_dict() == again.as_dict()


@relaxed
@given(days_in_range, st.integers(min_value=1, max_value=60))
def test_exactly_the_asked_working_days_are_counted(start, days):
    due = CAL.add_working_days(start, days).due

    assert CAL.working_days_between(start, due) == days
    assert CAL.working_days_between(start, due - dt.timedelta(days=1)) == days - 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(days_in_range, st.integers(min_value=0, max_value=20))
def test_an_extension_of_at_most_20_working_days_adds_exactly_that_many(start, extension):
    reply = CAL.add_working_days(start, 20)
    extended = CAL.add_working_days(start, 20 + extension)

    assert CAL.working_days_between(reply.due, extended.due) == extension
    assert extended.due >= reply.due
    # the extension never reaches further than 20 more working days
    assert extended.due <= CAL.add_working_days(reply.due, 20).due


@relaxed
@given(days_in_range, st.integers(min_value=1, max_value=40), st.lists(periods, max_size=3))
def test_excluded_working_days_are_accounted_for(start, days, excluded):
    deadline = CAL.add_working_days(start, days, excluded)

    skipped = sum(n for _period, n in deadline.excluded)
    assert CAL.working_days_between(start, deadline.due) == days + skipped


def test_the_fast_package_rule_matches_chinesecalendar_on_every_day():
    import chinese_calendar

    from gongkai.workdays.calendar import PACKAGE_YEARS, package_is_workday

    day, last = dt.date(min(PACKAGE_YEARS), 1, 1), dt.date(max(PACKAGE_YEARS), 12, 31)
    while day <= last:
        assert package_is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


wide_days = st.dates(min_value=dt.date(2003, 1, 1), max_value=dt.date(2032, 12, 31))


@relaxed
@given(wide_days, st.integers(min_value=0, max_value=60), st.lists(periods, max_size=3))
def test_the_table_lookup_agrees_with_the_day_by_day_walk(start, days, excluded):
    calendar = WorkCalendar({dt.date(2030, 2, 4): False, dt.date(2030, 2, 9): True}, {2030: "holiday-cn"})

    assert calendar._walk_table(start, days, excluded) == calendar._walk_days(start, days, excluded)


@relaxed
@given(wide_days, st.integers(min_value=0, max_value=400))
def test_counting_between_two_days_agrees_with_walking(start, span):
    end = start + dt.timedelta(days=span)
    walked = sum(1 for n in range(1, span + 1) if CAL.is_working_day(start + dt.timedelta(days=n)))

    assert CAL.working_days_between(start, end) == walked
