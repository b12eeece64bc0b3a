"""Numbers are found however people write them: in groups separated by spaces or hyphens, after +86, in
full-width digits; figures that merely stand side by side are not read as one number."""

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gongkai.sensitive.models import FindingKind
from gongkai.sensitive.scanner import id_check_character, luhn_check_digit, luhn_valid, scan

FULL_WIDTH = str.maketrans("0123456789Xx+-", "０１２３４５６７８９Ｘｘ＋－")
separators = st.sampled_from([" ", "-", "  ", " - ", "\u3000", "\u00a0", "－", "—"])
digits = st.text(alphabet=string.digits, min_size=1, max_size=1)
birth = st.dates().filter(lambda d: 1900 <= d.year <= 2100)
around = st.sampled_from([("", ""), ("身份证号：", "。"), ("联系人张三，", "，住址某市"), ("(", ")"), ("号码 ", " 已核实")])


def kinds(text):
    return [(h.kind, h.match) for h in scan(text)]


def id_number(area, day, sequence):
    first17 = f"{area}{day:%Y%m%d}{sequence}"
    return first17 + id_check_character(first17)


def card_number(prefix, length):
    payload = (prefix * 4)[: length - 1]
    return payload + luhn_check_digit(payload)


def grouped(number, sizes, separator):
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    return separator.join(parts)


@pytest.mark.parametrize(
    "text, kind, match",
    [
        ("身份证号 110105 19491231 002X 。", FindingKind.ID_NUMBER, "110105 19491231 002X"),
        ("账号 6222 0202 0011 2233 446，", FindingKind.BANK_CARD, "6222 0202 0011 2233 446"),
        ("电话 138-1234-5678。", FindingKind.MOBILE, "138-1234-5678"),
        ("电话 +86 138 1234 5678。", FindingKind.MOBILE, "138 1234 5678"),
        ("电话：１３８１２３４５６７８", FindingKind.MOBILE, "１３８１２３４５６７８"),
        ("身份证号１１０１０５１９４９１２３１００２Ｘ", FindingKind.ID_NUMBER, "１１０１０５１９４９１２３１００２Ｘ"),
        ("电话8613812345678", FindingKind.MOBILE, "13812345678"),
    ],
)
def test_the_formats_people_type_are_found(text, kind, match):
    assert kinds(text) == [(kind, match)]


@given(area=st.text(alphabet=string.digits, min_size=6, max_size=6), day=birth,
       sequence=st.text(alphabet=string.digits, min_size=3, max_size=3),
       sizes=st.sampled_from([(18,), (6, 8, 4), (6, 4, 4, 4), (6, 12)]), separator=separators, full_width=st.booleans(),
       context=around)
def test_an_id_number_is_found_in_any_customary_grouping(area, day, sequence, sizes, separator, full_width, context):
    number = grouped(id_number(area, day, sequence), sizes, separator)
    if full_width:
        number = number.translate(FULL_WIDTH)
    before, after = context
    assert kinds(before + number + after) == [(FindingKind.ID_NUMBER, number)]


@given(prefix=st.text(alphabet=string.digits, min_size=6, max_size=6).filter(lambda p: p[0] != "0"),
       length=st.integers(16, 19), separator=separators, full_width=st.booleans(), context=around, in_fours=st.booleans())
def test_a_bank_card_is_found_written_whole_or_in_fours(prefix, length, separator, full_width, context, in_fours):
    card = card_number(prefix, length)
    number = grouped(card, [4] * (length // 4) + ([length % 4] if length % 4 else []), separator) if in_fours else card
    if full_width:
        number = number.translate(FULL_WIDTH)
    before, after = context
    found = kinds(before + number + after)
    assert found == [(FindingKind.BANK_CARD, number)] or (length == 18 and found and found[0][0] == FindingKind.ID_NUMBER)


@given(second=st.sampled_from("3456789"), rest=st.text(alphabet=string.digits, min_size=9, max_size=9),
       sizes=st.sampled_from([(11,), (3, 4, 4), (3, 8)]), separator=separators, country=st.sampled_from(["", "+86 ", "+86-", "86 "]),
       full_width=st.booleans(), context=around)
def test_a_mobile_number_is_found_with_or_without_the_country_code(second, rest, sizes, separator, country, full_width, context):
    mobile = "1" + second + rest
    number = grouped(mobile, sizes, separator)
    text = country + number
    if full_width:
        text, number = text.translate(FULL_WIDTH), number.translate(FULL_WIDTH)
    before, after = context
    assert kinds(before + text + after) == [(FindingKind.MOBILE, number)]


@given(figures=st.lists(st.integers(0, 9999), min_size=2, max_size=12), separator=st.sampled_from([" ", "  "]))
def test_figures_in_a_table_row_are_not_read_as_a_card_or_phone(figures, separator):
    # Counts as a table row shows them: 1–4 digits each, never grouped as a card (all fours) or a phone (3-4-4).
    row = separator.join(str(n) for n in figures)
    groups = [len(str(n)) for n in figures]
    assume(not any(groups[i : i + 3] == [3, 4, 4] for i in range(len(groups))))
    assume(not any(all(g == 4 for g in groups[i : i + 4]) for i in range(len(groups))))
    assert [k for k, _m in kinds(row) if k in (FindingKind.BANK_CARD, FindingKind.MOBILE)] == []


@given(card=st.text(alphabet=string.digits, min_size=16, max_size=16))
def test_a_card_grouping_that_fails_luhn_is_not_reported(card):
    assume(not luhn_valid(card))
    assert [k for k, _m in kinds(grouped(card, (4, 4, 4, 4), " ")) if k == FindingKind.BANK_CARD] == []


def test_a_mobile_number_inside_a_longer_run_of_digits_is_not_reported():
    assert kinds("编号 2138123456789") == []


def test_a_number_with_a_separator_too_long_is_two_numbers():
    assert kinds("138 1234     5678") == []
