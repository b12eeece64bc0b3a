"""The statutory clock: hand-checked due dates across Spring Festival and
National Day make-up weekends, and properties of the arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import clock
from gongkai.workdays.calendar import Period, WorkCalendar

D = dt.date
CALENDAR = WorkCalendar()

# (date of receipt, reply due after 20 working days) — counted by hand from the State Council schedules.
KNOWN_DUE_DATES = [
    (D(2020, 1, 17), D(2020, 2, 21)),  # Spring Festival 2020 (extended to 2 Feb), make-up Sun 19 Jan
    (D(2021, 2, 5), D(2021, 3, 10)),  # Spring Festival 2021: 11–17 Feb off, make-up Sun 7 Feb and Sat 20 Feb
    (D(2023, 9, 27), D(2023, 10, 31)),  # Mid-Autumn + National Day 2023: 29 Sep–6 Oct off, make-up 7 and 8 Oct
    (D(2024, 2, 2), D(2024, 3, 6)),  # Spring Festival 2024: 10–17 Feb off, make-up Sun 4 Feb and Sun 18 Feb
    (D(2024, 9, 27), D(2024, 10, 30)),  # National Day 2024: 1–7 Oct off, make-up Sun 29 Sep and Sat 12 Oct
    (D(2024, 10, 1), D(2024, 11, 1)),  # received on a holiday: day 1 is the first working day after it
    (D(2026, 2, 13), D(2026, 3, 19)),  # Spring Festival 2026: 15–23 Feb off, make-up Sat 14 Feb and Sat 28 Feb
    (D(2026, 9, 18), D(2026, 10, 22)),  # Mid-Autumn 25–27 Sep and National Day 1–7 Oct 2026, make-up Sun 20 Sep, Sat 10 Oct
]


@pytest.mark.parametrize(("received", "due"), KNOWN_DUE_DATES)
def test_reply_due_after_twenty_working_days(received, due):
    assert CALENDAR.add_working_days(received, clock.REPLY_DAYS).due == due


def test_correction_notice_due_seven_working_days_after_receipt():
    assert CALENDAR.add_working_days(D(2024, 9, 27), clock.CORRECTION_NOTICE_DAYS).due == D(2024, 10, 12)


def test_consultation_period_is_not_counted():
    plain = CALENDAR.add_working_days(D(2024, 3, 1), 20).due
    excluded = CALENDAR.add_working_days(D(2024, 3, 1), 20, [Period(D(2024, 3, 11), D(2024, 3, 15), "consultation")]).due
    assert (plain, excluded) == (D(2024, 3, 29), D(2024, 4, 8))  # 5 working days later; 4–6 Apr Qingming


dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 10, 1))


@settings(max_examples=200, deadline=None)
@given(start=dates, days=st.integers(min_value=1, max_value=40))
def test_due_date_is_a_working_day(start, days):
    assert CALENDAR.is_working_day(CALENDAR.add_working_days(start, days).due)


@settings(max_examples=200, deadline=None)
@given(start=dates, offset=st.integers(0, 60), length=st.integers(0, 30))
def test_excluding_days_never_makes_a_deadline_earlier(start, offset, length):
    period = Period(start + dt.timedelta(days=offset), start + dt.timedelta(days=offset + length))
    assert CALENDAR.add_working_days(start, 20, [period]).due >= CALENDAR.add_working_days(start, 20).due


@settings(max_examples=100, deadline=None)
@given(start=dates, extension=st.integers(0, 20))
def test_extension_adds_at_most_twenty_working_days(start, extension):
    base = CALENDAR.add_working_days(start, 20).due
    extended = CALENDAR.add_working_days(start, 20 + extension).due
    assert CALENDAR.working_days_between(base, extended) == extension <= clock.MAX_EXTENSION_DAYS


@pytest.mark.django_db
def test_recomputing_a_deadline_is_idempotent(organ):
    from gongkai.applications.tests.factories import received

    application = received(organ, on=D(2024, 9, 27))
    assert clock.apply(application) is False
    assert application.due_on == D(2024, 10, 30)


@pytest.mark.django_db
def test_deadline_in_an_unloaded_year_is_provisional(organ):
    from gongkai.applications.models import Application

    application = Application(organ=organ, received_on=D(2026, 12, 15))
    clock.apply(application)
    assert application.due_explanation["provisional"] is True
    assert application.due_explanation["reply"]["provisional_years"] == [2027]


@pytest.mark.django_db
def test_explanation_names_receipt_days_and_calendar(organ):
    from gongkai.applications.tests.factories import received

    application = received(organ, on=D(2024, 9, 27))
    explanation = application.due_explanation
    assert (explanation["received_on"], explanation["reply"]["working_days"], explanation["reply"]["sources"]) == (
        "2024-09-27", 20, ["chinesecalendar"])


@pytest.mark.django_db
def test_a_silent_third_party_excludes_exactly_its_fifteen_working_days(organ, django_user_model):
    from gongkai.applications import services
    from gongkai.applications.models import Consultation
    from gongkai.applications.tests.factories import received

    # Received Mon 2 Mar 2026: due 30 Mar (2 Mar not counted; 3 Mar–30 Mar = 20 working days, no holiday).
    application = received(organ, on=D(2026, 3, 2))
    assert application.due_on == D(2026, 3, 30)
    clerk = application.registered_by
    # Sent Mon 9 Mar (day 5 of the clock); the third party has 10 Mar–30 Mar (15 working days) and stays silent.
    consultation = services.start_consultation(application, kind="third_party", party="某公司", by=clerk, sent_on=D(2026, 3, 9))
    assert consultation.answer_due_on == D(2026, 3, 30)
    application.refresh_from_db()
    # 15 working days later than 30 Mar: 31 Mar, 1–3 Apr, 7–10 Apr (Qingming Mon 6 Apr 2026 is off), 13–17, 20, 21 Apr.
    assert application.due_on == D(2026, 4, 21)
    [excluded] = application.due_explanation["reply"]["excluded"]
    assert (excluded["start"], excluded["end"], excluded["working_days"]) == ("2026-03-10", "2026-03-30", 15)
    assert Consultation.objects.count() == 1


@pytest.mark.django_db
def test_a_consultation_answered_the_day_it_was_sent_excludes_nothing(organ):
    from gongkai.applications import services
    from gongkai.applications.tests.factories import received

    application = received(organ, on=D(2026, 3, 2))
    clerk = application.registered_by
    consultation = services.start_consultation(application, kind="other_agency", party="某局", by=clerk, sent_on=D(2026, 3, 9))
    services.answer_consultation(consultation, answer="agrees", by=clerk, answered_on=D(2026, 3, 9))
    application.refresh_from_db()
    assert (application.due_on, application.due_explanation["reply"]["excluded"]) == (D(2026, 3, 30), [])


# --- properties of the stored deadlines of applications ------------------------------------------

facts = st.fixed_dictionaries({
    "received_on": st.dates(min_value=D(2015, 1, 1), max_value=D(2026, 10, 1)),
    "restart_after": st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
    "extension_days": st.integers(min_value=0, max_value=20),
    "draft_reply_days": st.integers(min_value=1, max_value=15),
})


@settings(max_examples=200, deadline=None)
@given(facts)
def test_applying_the_clock_twice_changes_nothing(fact):
    from gongkai.applications.models import Application
    from gongkai.organs.models import Organ

    corrected = fact["received_on"] + dt.timedelta(days=fact["restart_after"]) if fact["restart_after"] is not None else None
    application = Application(
        organ=Organ(name="测试局", draft_reply_days=fact["draft_reply_days"]), received_on=fact["received_on"],
        clock_start=corrected or fact["received_on"], corrected_on=corrected, extension_days=fact["extension_days"],
    )
    assert clock.apply(application, calendar=CALENDAR) is True
    stored = (application.due_on, application.internal_due_on, application.correction_notice_due_on, application.due_explanation)
    assert clock.apply(application, calendar=CALENDAR) is False
    assert stored == (application.due_on, application.internal_due_on, application.correction_notice_due_on, application.due_explanation)
    assert CALENDAR.is_working_day(application.due_on)
    assert CALENDAR.working_days_between(application.clock_start, application.due_on) == 20 + fact["extension_days"]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sent_after=st.integers(min_value=0, max_value=25), answered_after=st.one_of(st.none(), st.integers(0, 30)))
def test_a_consultation_never_brings_a_deadline_forward_and_recomputing_is_idempotent(organ, sent_after, answered_after):
    from gongkai.applications import services
    from gongkai.applications.models import Application
    from gongkai.applications.tests.factories import received

    application = received(organ, on=D(2026, 3, 2))
    before = application.due_on
    sent = D(2026, 3, 2) + dt.timedelta(days=sent_after)
    consultation = services.start_consultation(application, kind="other_agency", party="某局", by=application.registered_by, sent_on=sent)
    if answered_after is not None:
        services.answer_consultation(consultation, answer="agrees", by=application.registered_by,
                                     answered_on=sent + dt.timedelta(days=answered_after))
    application = Application.objects.get(pk=application.pk)
    assert application.due_on >= before
    assert services.recompute_running() == 0  # the stored deadlines are already what the facts give
    again = Application.objects.get(pk=application.pk)
    assert (again.due_on, again.due_explanation) == (application.due_on, application.due_explanation)
