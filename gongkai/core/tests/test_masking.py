"""The mask functions: what they keep and that they never show a hidden character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gongkai.core import masking

digits = st.text(alphabet="0123456789X", min_size=0, max_size=40)
text = st.text(min_size=0, max_size=80)


def test_examples():
    assert masking.mask_id_number("110101199003072672") == "1101**********2672"
    assert masking.mask_id_number("91350100M000100Y43", credit_code=True) == "913501********0Y43"
    assert masking.mask_phone("13812345678") == "138****5678"
    assert masking.mask_phone("0755-86611234") == "0755-****1234"
    assert masking.mask_email("zhangsan@example.com") == "z***@example.com"
    assert masking.mask_address("某市福田区民生路12号") == "某市福****"
    assert masking.hide("x") == "******" and masking.hide("") == ""


@given(digits)
def test_an_id_number_keeps_its_length_and_only_four_and_four(value):
    shown = masking.mask_id_number(value)
    assert len(shown) == len(value)
    if len(value) > 8:
        assert shown[:4] == value[:4] and shown[-4:] == value[-4:] and set(shown[4:-4]) == {"*"}
    else:
        assert set(shown) <= {"*"}


@given(st.text(alphabet="0123456789", min_size=0, max_size=20))
def test_a_mobile_number_keeps_three_and_four(value):
    shown = masking.mask_phone(value)
    assert len(shown) == len(value)
    hidden = value[3:-4] if len(value) > 7 else value
    assert shown.count("*") == len(hidden)


@given(text)
def test_no_mask_reveals_more_than_its_ends(value):
    for mask, kept in ((masking.mask_id_number, 8), (masking.mask_phone, 9)):  # a landline keeps 0755- and 4
        shown = mask(value)
        assert len(shown) == len(value)
        assert sum(1 for a, b in zip(shown, value, strict=True) if a == b and a != "*") <= kept


@given(st.emails())
def test_an_email_keeps_only_its_first_letter_and_domain(value):
    shown = masking.mask_email(value)
    local, _at, domain = value.rpartition("@")
    # Exactly the mailbox's first character (none for a one-character mailbox), three asterisks, the domain: a
    # mailbox such as "0*" must not look "shown" merely because the mask writes asterisks too.
    assert shown == (local[:1] if len(local) > 1 else "") + "***@" + domain


@given(text)
def test_an_address_shows_at_most_a_third_and_hides_its_length(value):
    shown = masking.mask_address(value)
    stripped = value.strip()
    if stripped:
        assert shown.endswith("****")
        assert len(shown) - 4 <= len(stripped) // 3
        assert stripped.startswith(shown[:-4])
    else:
        assert shown == ""
