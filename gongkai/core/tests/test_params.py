from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.params import MAX_ID, parse_int


@given(st.text(max_size=30))
def test_any_text_gives_a_number_in_range_or_none(value):
    number = parse_int(value)
    assert number is None or 1 <= number <= MAX_ID


def test_digits_that_int_refuses_or_other_scripts_give_none():
    assert [parse_int(v) for v in ("²", "١٢", "12a", "", "0", "99999999999999999999")] == [None] * 6


def test_plain_digits_within_range_give_the_number():
    assert (parse_int(" 42 "), parse_int("2024", 1949, 2200), parse_int("2201", 1949, 2200)) == (42, 2024, None)
