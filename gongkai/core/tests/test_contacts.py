from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.contacts import is_phone, is_postcode, phone_digits

VALID = ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "0086-13812345678", "１３８１２３４５６７８",
         "0755-88886666", "(0755) 8888 6666", "010-12345678-123", "400-123-4567", "12345", "88886666"]
INVALID = ["12", "138", "1381234567890123", "abc", "138-1234-567a", "+1 415 555 0100 99", ""]


def test_the_phone_numbers_people_type_are_accepted_and_nonsense_is_not():
    assert [v for v in VALID if not is_phone(v)] == []
    assert [v for v in INVALID if is_phone(v)] == []


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-", "－"]), st.booleans())
def test_a_mobile_number_is_accepted_however_it_is_grouped(number, separator, country_code):
    typed = ("+86 " if country_code else "") + separator.join([number[:3], number[3:7], number[7:]])
    assert is_phone(typed) and phone_digits(typed) == number


def test_a_postcode_has_six_digits():
    assert is_postcode("518000") and is_postcode(" ５１８０５７ ")
    assert not is_postcode("5180") and not is_postcode("51800a") and not is_postcode("5180000")
