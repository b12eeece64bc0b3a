import datetime as dt
import json

import pytest
from django.utils import translation

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError
from gongkai.factories import UserFactory
from gongkai.workdays import calendar, services
from gongkai.workdays.models import CalendarSource, CalendarYear, DayOverride
from gongkai.workdays.signals import calendar_changed

D = dt.date

# Invented 2030 schedule in holiday-cn format (the year is beyond the package).
YEAR_2030 = {
    "$schema": "https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json",
    "year": 2030,
    "papers": ["https://www.gov.cn/example-2030"],
    "days": [
        {"name": "元旦", "date": "2030-01-01", "isOffDay": True},
        {"name": "春节", "date": "2030-02-02", "isOffDay": False},
        {"name": "春节", "date": "2030-02-04", "isOffDay": True},
        {"name": "春节", "date": "2030-02-05", "isOffDay": True},
        {"name": "春节", "date": "2030-02-06", "isOffDay": True},
        {"name": "春节", "date": "2030-02-07", "isOffDay": True},
        {"name": "春节", "date": "2030-02-08", "isOffDay": True},
        {"name": "春节", "date": "2030-02-09", "isOffDay": False},
        # The holidays fixed to a date, which an unloaded year already keeps: loading them changes nothing.
        {"name": "劳动节", "date": "2030-05-01", "isOffDay": True},
        *({"name": "国庆节", "date": f"2030-10-0{d}", "isOffDay": True} for d in (1, 2, 3)),
    ],
}


@pytest.fixture
def admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def received(db):
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    calendar_changed.connect(receiver, dispatch_uid="test-receiver")
    yield events
    calendar_changed.disconnect(dispatch_uid="test-receiver")


def test_a_deadline_in_an_unloaded_year_is_provisional(db):
    deadline = calendar.add_working_days(D(2030, 1, 28), 20)

    assert deadline.provisional
    assert deadline.provisional_years == [2030]
    assert deadline.sources == ["provisional"]
    assert deadline.due == D(2030, 2, 25)  # Monday–Friday only


def test_loading_the_year_makes_the_deadline_final_and_moves_it(admin):
    services.load_holiday_cn(YEAR_2030, by=admin, reason="State Council notice")

    deadline = calendar.add_working_days(D(2030, 1, 28), 20)

    assert not deadline.provisional
    assert deadline.sources == ["holiday-cn"]
    # 29 Jan–1 Feb = 4; Sat 2 Feb = 5; off 4–8 Feb; Sat 9 = 6; 11–15 = 11; 18–22 = 16; 25–28 = 20
    assert deadline.due == D(2030, 2, 28)


def test_loading_accepts_the_file_as_bytes(admin):
    plan = services.load_holiday_cn(json.dumps(YEAR_2030).encode("utf-8"), by=admin, reason="x")

    assert plan.year == 2030
    assert CalendarYear.objects.get(year=2030).source == CalendarSource.HOLIDAY_CN


def test_loading_is_audited_with_the_changed_days(admin):
    services.load_holiday_cn(YEAR_2030, by=admin, reason="State Council notice")

    event = trail_for(CalendarYear.objects.get(year=2030)).get()
    assert event.action == "workdays.year_loaded"
    assert event.actor == admin
    assert event.reason == "State Council notice"
    assert {c["date"] for c in event.data["changes"]} == {
        "2030-02-02", "2030-02-04", "2030-02-05", "2030-02-06", "2030-02-07", "2030-02-08", "2030-02-09"
    }


def test_loading_sends_calendar_changed_with_years_and_dates(admin, received):
    services.load_holiday_cn(YEAR_2030, by=admin, reason="x")

    assert received[0]["years"] == [2030]
    assert D(2030, 2, 4) in received[0]["dates"]
    assert received[0]["by"] == admin


def test_the_calendar_answers_with_the_new_schedule_inside_the_signal(admin):
    seen = []

    def receiver(sender, **kwargs):
        seen.append(calendar.is_working_day(D(2030, 2, 4)))

    calendar_changed.connect(receiver, dispatch_uid="test-inside")
    try:
        services.load_holiday_cn(YEAR_2030, by=admin, reason="x")
    finally:
        calendar_changed.disconnect(dispatch_uid="test-inside")
    assert seen == [False]


def test_preview_writes_nothing(admin):
    plan = services.preview_holiday_cn(YEAR_2030)

    assert len(plan.changes) == 7  # 元旦, 劳动节 and 国庆节 were holidays already
    assert plan.holidays == 10 and plan.makeup_days == 2
    assert not CalendarYear.objects.exists()
    assert not DayOverride.objects.exists()


def test_reloading_a_year_drops_days_the_new_file_no_longer_lists(admin):
    services.load_holiday_cn(YEAR_2030, by=admin, reason="first")
    corrected = {**YEAR_2030, "days": [d for d in YEAR_2030["days"] if d["date"] != "2030-02-08"]}

    plan = services.load_holiday_cn(corrected, by=admin, reason="correction")

    assert calendar.is_working_day(D(2030, 2, 8))
    assert [c.date for c in plan.changes] == [D(2030, 2, 8)]
    assert DayOverride.objects.filter(date=D(2030, 2, 8)).exists()  # kept, never deleted


def test_a_loaded_file_replaces_the_package_for_its_year(admin):
    assert not calendar.is_working_day(D(2025, 10, 8))
    services.load_holiday_cn({"year": 2025, "days": [{"name": "国庆节", "date": "2025-10-01", "isOffDay": True}]}, by=admin, reason="x")

    assert calendar.is_working_day(D(2025, 10, 8))
    assert calendar.current().source_of(2025) == "holiday-cn"


def test_a_file_may_list_the_last_days_of_the_previous_year(admin):
    data = {"year": 2030, "days": [{"name": "元旦", "date": "2029-12-29", "isOffDay": False}, {"name": "元旦", "date": "2030-01-01", "isOffDay": True}]}

    services.load_holiday_cn(data, by=admin, reason="x")

    assert calendar.is_working_day(D(2029, 12, 29))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        ([], "JSON object"),
        ({"days": []}, "year"),
        ({"year": "2030", "days": []}, "year"),
        ({"year": 1990, "days": [{"name": "x", "date": "1990-01-01", "isOffDay": True}]}, "outside"),
        ({"year": 2030}, "days"),
        ({"year": 2030, "days": []}, "empty"),
        ({"year": 2030, "days": ["2030-01-01"]}, "Day 1"),
        ({"year": 2030, "days": [{"name": "x", "date": "2030-13-01", "isOffDay": True}]}, "2030-13-01"),
        ({"year": 2030, "days": [{"name": "x", "date": "2031-06-01", "isOffDay": True}]}, "does not belong"),
        ({"year": 2030, "days": [{"name": "x", "date": "2030-01-01", "isOffDay": "yes"}]}, "isOffDay"),
        ({"year": 2030, "days": [{"name": "x", "date": "2030-01-01", "isOffDay": True}] * 2}, "twice"),
        ({"year": 2030, "days": [{"name": "x", "date": "2029-12-31", "isOffDay": True}]}, "No day"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_saved(admin, data, fragment):
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.load_holiday_cn(data, by=admin, reason="x")

    assert fragment in str(error.value.message)
    assert error.value.field == "file"
    assert not CalendarYear.objects.exists()
    assert not DayOverride.objects.exists()


def test_set_day_overrides_one_day_and_is_audited(admin, received):
    change = services.set_day(D(2026, 3, 2), False, "临时调整", by=admin, reason="State Council notice of 1 March")

    assert not calendar.is_working_day(D(2026, 3, 2))
    assert change.was_working and not change.is_working
    row = DayOverride.objects.get(date=D(2026, 3, 2))
    assert row.source == CalendarSource.MANUAL
    assert trail_for(row).get().action == "workdays.day_set"
    assert received[0]["dates"] == [D(2026, 3, 2)]


def test_set_day_needs_a_reason(admin):
    with pytest.raises(DomainError) as error:
        services.set_day(D(2026, 3, 2), False, "", by=admin, reason=" ")

    assert error.value.field == "reason"
    assert not DayOverride.objects.exists()


def test_a_manual_override_in_an_unloaded_year_keeps_the_year_provisional(admin):
    services.set_day(D(2030, 5, 1), False, "劳动节", by=admin, reason="x")

    deadline = calendar.add_working_days(D(2030, 4, 29), 3)

    assert deadline.due == D(2030, 5, 3)
    assert deadline.provisional


def test_a_file_wins_over_an_earlier_manual_override_and_the_audit_says_so(admin):
    services.set_day(D(2030, 2, 4), True, "", by=admin, reason="x")

    services.load_holiday_cn(YEAR_2030, by=admin, reason="y")

    assert not calendar.is_working_day(D(2030, 2, 4))
    event = trail_for(CalendarYear.objects.get(year=2030)).get()
    assert event.data["replaced_manual_overrides"] == ["2030-02-04"]


def test_missing_years_lists_upcoming_years_without_a_schedule(admin):
    assert calendar.missing_years(horizon=2, today=D(2026, 11, 28)) == [2027, 2028]

    services.load_holiday_cn({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": True}]}, by=admin, reason="x")

    assert calendar.missing_years(horizon=2, today=D(2026, 11, 28)) == [2028]


def test_a_deadline_starting_late_in_a_known_year_is_not_provisional_for_the_start_year(db):
    deadline = calendar.current().add_working_days(D(2026, 12, 1), 5)

    assert not deadline.provisional


def test_every_process_sees_a_change_after_the_cache_key_is_lost(admin):
    from django.core.cache import cache

    assert calendar.is_working_day(D(2026, 3, 2))
    DayOverride.objects.create(date=D(2026, 3, 2), is_working=False, source=CalendarSource.MANUAL)
    cache.delete(calendar.CACHE_KEY)  # evicted: the old snapshot must not be trusted

    assert not calendar.is_working_day(D(2026, 3, 2))


def test_the_messages_are_in_chinese_by_default(admin):
    with pytest.raises(DomainError) as error:
        services.load_holiday_cn({"year": 2030, "days": []}, by=admin, reason="x")

    assert error.value.message == "“days”为空：年度安排至少应列出法定节假日。"


def test_an_unloaded_year_keeps_the_holidays_fixed_to_a_date_and_stays_provisional(db):
    # 2030-09-30 is a Monday; 1–3 October 2030 (Tue–Thu) are 国庆节 whatever the schedule says about make-up days.
    deadline = calendar.add_working_days(D(2030, 9, 30), 3)
    assert deadline.due == D(2030, 10, 8) and deadline.provisional  # counted: Fri 4, Mon 7, Tue 8
    assert not calendar.is_working_day(D(2030, 1, 1)) and not calendar.is_working_day(D(2030, 5, 1))
    assert calendar.is_working_day(D(2030, 10, 4))  # a Friday: only the schedule can give it as a holiday
    assert any("国庆节" in line or "provisional" in line.lower() for line in deadline.describe())


def test_the_deadline_names_its_calendar_in_words(db):
    from django.utils import translation

    with translation.override("zh-hans"):
        lines = " ".join(calendar.add_working_days(D(2025, 3, 3), 20).describe())
    assert "chinesecalendar" not in lines and "国务院" in lines
