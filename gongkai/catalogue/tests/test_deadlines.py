import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.catalogue.deadlines import last_day_formed_in_time, publication_deadline
from gongkai.workdays import calendar

pytestmark = pytest.mark.django_db
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))


@settings(max_examples=40, deadline=None)
@given(today=days, offset=st.integers(min_value=0, max_value=60))
def test_the_boundary_separates_items_over_the_limit_from_those_in_time(today, offset):
    formed = today - dt.timedelta(days=offset)
    cutoff = last_day_formed_in_time(today)
    over = publication_deadline(formed).due < today
    assert over == (formed < cutoff)


def test_the_national_day_holiday_does_not_count():
    # Formed 2024-09-30: 1–7 October are holidays, Saturday 12 October is a make-up working day.
    deadline = publication_deadline(dt.date(2024, 9, 30))
    assert deadline.due == dt.date(2024, 11, 1)
    assert not calendar.is_working_day(dt.date(2024, 10, 3))
