"""Information-processing fee tiers (国办函〔2020〕109号) at every boundary, and
their arithmetic as properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import fees

# The machine running CI is shared: slow draws are not a failure of the code.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@pytest.mark.parametrize(
    ("position", "rate"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400), (60, 400), (61, 500)],
)
def test_per_application_rate_at_each_boundary(position, rate):
    assert fees.per_application_fee(position).amount == Decimal(rate)


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (0, 0),
        (30, 0),
        (31, 10),
        (100, 70 * 10),
        (101, 70 * 10 + 20),
        (200, 70 * 10 + 100 * 20),
        (201, 70 * 10 + 100 * 20 + 40),
        (250, 70 * 10 + 100 * 20 + 50 * 40),
    ],
)
def test_per_page_amount_at_each_boundary(pages, amount):
    assert fees.per_page_fee(pages).amount == Decimal(amount)


@pytest.mark.parametrize(("count", "amount"), [(10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300)])
def test_per_application_total_for_a_month_at_each_boundary(count, amount):
    assert fees.per_application_total(count).amount == Decimal(amount)


def test_the_explanation_lists_band_count_rate_and_subtotal():
    result = fees.per_page_fee(150)

    assert [(line.band, line.count, line.rate, line.subtotal) for line in result.lines] == [
        ("1–30", 30, Decimal(0), Decimal(0)),
        ("31–100", 70, Decimal(10), Decimal(700)),
        ("101–200", 50, Decimal(20), Decimal(1000)),
    ]
    assert result.explanation_lines() == [
        "第1—30页：30页，免费",
        "第31—100页：70页 × 10元/页 = 700元",
        "第101—200页：50页 × 20元/页 = 1000元",
        "合计：1700元",
    ]


def test_one_application_is_explained_by_its_band():
    result = fees.per_application_fee(35)

    assert result.as_dict()["lines"] == [{"band": "31–40", "first": 31, "last": 40, "count": 1, "rate": "200", "subtotal": "200"}]
    assert result.explanation_lines()[0] == "第31—40件：1件 × 200元/件 = 200元"


def test_the_free_band_is_free():
    assert fees.per_application_fee(10).is_free
    assert fees.per_page_fee(30).is_free


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_a_bad_quantity_is_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        fees.per_page_fee(bad)


def test_position_zero_is_refused():
    with pytest.raises(ValueError):
        fees.per_application_fee(0)


def test_compute_dispatches_on_the_scheme():
    assert fees.compute(fees.PER_PAGE, 31).amount == 10
    assert fees.compute(fees.PER_APPLICATION, 11).amount == 100
    with pytest.raises(ValueError):
        fees.compute("both", 1)


@pytest.mark.django_db
def test_payment_is_due_20_working_days_after_the_notice_is_received():
    # received Fri 26 Sep 2025: Sun 28 Sep = 1; 29, 30 = 3; off 1–8 Oct; 9, 10 = 5; Sat 11 = 6; 13–17 = 11; 20–24 = 16; 27–30 = 20
    assert fees.payment_due(dt.date(2025, 9, 26)).due == dt.date(2025, 10, 30)


positions = st.integers(min_value=1, max_value=500)
pages = st.integers(min_value=0, max_value=5000)


@relaxed
@given(positions)
def test_the_per_application_rate_never_falls_as_the_month_goes_on(position):
    assert fees.per_application_rate(position + 1) >= fees.per_application_rate(position) >= 0


@relaxed
@given(positions)
def test_the_per_application_rate_follows_the_bands_of_ten(position):
    rate = fees.per_application_rate(position)
    if position <= 10:
        assert rate == 0
    elif position <= 30:
        assert rate == 100
    else:
        assert rate == 100 + 100 * ((position - 31) // 10 + 1)


@relaxed
@given(st.integers(min_value=0, max_value=300))
def test_a_month_total_is_the_sum_of_its_applications(count):
    total = fees.per_application_total(count)

    assert total.amount == sum((fees.per_application_rate(p) for p in range(1, count + 1)), Decimal(0))
    assert sum(line.count for line in total.lines) == count


@relaxed
@given(pages)
def test_the_page_fee_never_falls_when_pages_are_added_and_is_never_negative(n):
    assert fees.per_page_fee(n + 1).amount >= fees.per_page_fee(n).amount >= 0


@relaxed
@given(pages)
def test_the_page_fee_lines_add_up(n):
    result = fees.per_page_fee(n)

    assert sum(line.count for line in result.lines) == n
    assert sum(line.subtotal for line in result.lines) == result.amount
    assert all(line.subtotal == line.rate * line.count for line in result.lines)


@relaxed
@given(pages)
def test_each_extra_page_costs_the_rate_of_its_band(n):
    extra = fees.per_page_fee(n + 1).amount - fees.per_page_fee(n).amount
    page = n + 1
    assert extra == (0 if page <= 30 else 10 if page <= 100 else 20 if page <= 200 else 40)
