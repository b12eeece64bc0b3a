from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications.validators import (
    credit_code_check_char,
    resident_id_check_digit,
    validate_credit_code,
    validate_resident_id,
)
from gongkai.core.errors import DomainError


def test_valid_resident_id_with_x_is_accepted():
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("number", ["110105194912310021", "1101051949123100", "110105194913310021", "abcdefghijklmnopqr"])
def test_invalid_resident_ids_are_refused(number):
    with pytest.raises(DomainError) as error:
        validate_resident_id(number)
    assert error.value.field == "id_number"


def test_valid_credit_code_is_accepted():
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91350100M000100Y4", "91350100M000100YI3"])
def test_invalid_credit_codes_are_refused(code):
    with pytest.raises(DomainError):
        validate_credit_code(code)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_breaks_the_check(first17, position, delta):
    changed = first17[:position] + str((int(first17[position]) + delta) % 10) + first17[position + 1:]
    assert resident_id_check_digit(changed) != resident_id_check_digit(first17)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_credit_code_check_char_round_trips(first17):
    assert validate_credit_code(first17 + credit_code_check_char(first17)) == first17 + credit_code_check_char(first17)
