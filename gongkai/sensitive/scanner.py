"""Finds personal data and secrecy marks in text before it is published.

- resident ID numbers (居民身份证号码, GB 11643-1999): 17 digits and a check
  character computed with ISO 7064 MOD 11-2; only numbers with a valid check
  character and a plausible birth date are reported;
- mobile numbers (手机号码): 11 digits starting 13–19, optionally after +86;
- bank card numbers (银行卡号): 16–19 digits passing the Luhn check;
- secrecy marks (密级标志): 秘密, 机密, 绝密 and ★ as used in 密级★保密期限;
- the configurable word list (``SensitiveWord``).

Numbers are found however they are written: in full-width digits (１３８…), and in the groups people type
them in, separated by spaces or hyphens — ``110105 19491231 002X``, ``6222 0202 0011 2233 446``,
``138-1234-5678``, ``+86 138 1234 5678``. Only the customary groupings count (``ID_GROUPS``, ``MOBILE_GROUPS``,
cards in fours or 6 + the rest), so figures in a table that happen to stand side by side are not read as one
number; the check character, the Luhn digit and the birth date still have to hold.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.sensitive.models import FindingKind

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CONTEXT = 30

# Full-width digits and signs read as their ASCII forms, one character for one, so positions do not move.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－", "0123456789Xx+-")
# Between two groups of a number: one to three spaces (also no-break and ideographic) or hyphens and dashes.
_SEPARATOR = "[ \u00a0\u3000\\-\u2010-\u2015\u2212]{1,3}"
# A run of digit groups; an X may end it (the check character of an ID number).
_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)*(?:[Xx](?![0-9A-Za-z])|(?![\dXx]))")
_GROUP = re.compile(r"\d+[Xx]?")
ID_GROUPS = {(18,), (6, 8, 4), (6, 4, 4, 4), (6, 12)}
MOBILE_GROUPS = {(11,), (3, 4, 4), (3, 8)}
COUNTRY_CODES = {"86", "0086"}
_MOBILE_START = re.compile(r"1[3-9]")
_LATIN = frozenset(string.ascii_letters)
_SECRECY = re.compile(r"绝密|机密|秘密|★")


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    if id_check_character(value[:17]) != value[17].upper():
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return 1900 <= int(value[6:10]) <= 2100


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload`` + digit pass Luhn."""
    for digit in "0123456789":
        if luhn_valid(payload + digit):
            return digit
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Hit:
    kind: str
    match: str
    start: int
    end: int
    context: str


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return (("…" if start > CONTEXT else "") + before + "【" + text[start:end] + "】" + after + ("…" if end + CONTEXT < len(text) else "")).replace("\n", " ")


def _kind_of(digits: str, shape: tuple[int, ...]) -> str | None:
    """What a number made of groups of these lengths is, if anything."""
    if shape in ID_GROUPS and is_valid_id_number(digits):
        return FindingKind.ID_NUMBER
    if not digits.isdigit():
        return None
    fours = all(n == 4 for n in shape[:-1]) and 1 <= shape[-1] <= 4
    if 16 <= len(digits) <= 19 and (len(shape) == 1 or fours or (len(shape) == 2 and shape[0] == 6)) and luhn_valid(digits):
        return FindingKind.BANK_CARD
    if shape in MOBILE_GROUPS and _MOBILE_START.match(digits):
        return FindingKind.MOBILE
    return None


def _numbers(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every ID, card or mobile number in ``text`` (full-width already read as ASCII),
    written whole or in groups. Groups are never split: a mobile number inside a longer run of digits is not one."""
    found: list[tuple[str, int, int]] = []
    for run in _RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group()) for m in _GROUP.finditer(run.group())]
        for i in range(len(groups)):
            digits = ""
            for j in range(i, min(i + 5, len(groups))):
                digits += groups[j][2]
                if len(digits) > 19:
                    break
                shape = tuple(len(g[2]) for g in groups[i : j + 1])
                kind = _kind_of(digits, shape)
                if kind is None and i == j and len(digits) == 13 and digits[:2] in COUNTRY_CODES:
                    if _kind_of(digits[2:], (11,)) == FindingKind.MOBILE:  # 8613812345678
                        found.append((FindingKind.MOBILE, groups[i][0] + 2, groups[i][1]))
                    continue
                if kind is not None:
                    found.append((kind, groups[i][0], groups[j][1]))
    # The longest reading from each place first: 6222 0202 0011 2233 446 is one card even if its first 16 digits pass Luhn.
    return sorted(found, key=lambda f: (f[1], f[1] - f[2]))


def scan(text: str, words: Iterable[str] = ()) -> list[Hit]:
    """Every finding in ``text``, in order of position."""
    text = text or ""
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        taken.append((start, end))
        hits.append(Hit(kind, text[start:end], start, end, _context(text, start, end)))

    def overlaps(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in taken)

    plain = text.translate(_FULL_WIDTH)
    numbers = _numbers(plain)
    for kind in (FindingKind.ID_NUMBER, FindingKind.BANK_CARD, FindingKind.MOBILE):
        for found, start, end in numbers:
            if found != kind or overlaps(start, end):
                continue
            if kind == FindingKind.ID_NUMBER and start and plain[start - 1] in _LATIN:
                continue  # the tail of a code such as ABC110105…, not an ID number
            add(kind, start, end)
    for m in _SECRECY.finditer(text):
        add(FindingKind.SECRECY_MARK, m.start(), m.end())
    for word in {w for w in words if w}:
        for m in re.finditer(re.escape(word), text):
            add(FindingKind.WORD, m.start(), m.end())
    hits.sort(key=lambda h: (h.start, h.kind))
    return hits
