import string

from hypothesis import given
from hypothesis import strategies as st

from gongkai.sensitive.models import FindingKind
from gongkai.sensitive.scanner import id_check_character, is_valid_id_number, luhn_check_digit, luhn_valid, scan

digits = st.text(alphabet=string.digits, min_size=1, max_size=30)
birth = st.dates().filter(lambda d: 1900 <= d.year <= 2100)


def id_number(area: str, day, sequence: str) -> str:
    first17 = f"{area}{day:%Y%m%d}{sequence}"
    return first17 + id_check_character(first17)


@given(area=st.text(alphabet=string.digits, min_size=6, max_size=6), day=birth, sequence=st.text(alphabet=string.digits, min_size=3, max_size=3))
def test_an_id_number_with_its_computed_check_character_is_valid(area, day, sequence):
    assert is_valid_id_number(id_number(area, day, sequence))


@given(area=st.text(alphabet=string.digits, min_size=6, max_size=6), day=birth, sequence=st.text(alphabet=string.digits, min_size=3, max_size=3), wrong=st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(area, day, sequence, wrong):
    number = id_number(area, day, sequence)
    if wrong != number[-1]:
        assert not is_valid_id_number(number[:-1] + wrong)


def test_the_published_standard_example_is_valid():
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")


@given(payload=digits)
def test_the_luhn_check_digit_makes_a_number_pass(payload):
    assert luhn_valid(payload + luhn_check_digit(payload))


@given(payload=digits, position=st.integers(min_value=0), delta=st.integers(min_value=1, max_value=9))
def test_changing_one_digit_breaks_luhn(payload, position, delta):
    number = payload + luhn_check_digit(payload)
    i = position % len(number)
    changed = number[:i] + str((int(number[i]) + delta) % 10) + number[i + 1 :]
    assert not luhn_valid(changed)


def test_it_finds_a_valid_id_number_in_context():
    hits = scan("申请人身份证号11010519491231002X，住址某市。")
    assert [(h.kind, h.match) for h in hits] == [(FindingKind.ID_NUMBER, "11010519491231002X")]
    assert "【11010519491231002X】" in hits[0].context


def test_it_ignores_an_id_shaped_number_with_a_wrong_check_digit():
    assert scan("编号110105194912310021") == []


def test_it_finds_a_mobile_number():
    assert [h.kind for h in scan("联系电话：13812345678")] == [FindingKind.MOBILE]


def test_it_finds_a_bank_card_passing_luhn_and_not_one_failing():
    card = "622202" + "123456789" + "0"
    card = card[:-1] + luhn_check_digit(card[:-1])
    assert [h.kind for h in scan(f"账号{card}")] == [FindingKind.BANK_CARD]
    bad = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert scan(f"账号{bad}") == []


def test_it_finds_secrecy_marks():
    kinds = [h.match for h in scan("机密★1年，绝密文件，秘密")]
    assert kinds == ["机密", "★", "绝密", "秘密"]


def test_it_finds_configured_words():
    assert [h.match for h in scan("此为内部资料", ["内部资料"])] == ["内部资料"]
