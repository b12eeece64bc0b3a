"""Finds personal data and secrecy marks in text before it is published.

- resident ID numbers (居民身份证号码, GB 11643-1999): 17 digits and a check
  character computed with ISO 7064 MOD 11-2; only numbers with a valid check
  character and a plausible birth date are reported;
- mobile numbers (手机号码): 11 digits starting 13–19;
- bank card numbers (银行卡号): 16–19 digits passing the Luhn check;
- secrecy marks (密级标志): 秘密, 机密, 绝密 and ★ as used in 密级★保密期限;
- the configurable word list (``SensitiveWord``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.sensitive.models import FindingKind

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CONTEXT = 30

_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d{9})(?!\d)")
_CARD = re.compile(r"(?<!\d)(\d{16,19})(?!\d)")
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

    for m in _ID.finditer(text):
        if is_valid_id_number(m.group(1)):
            add(FindingKind.ID_NUMBER, m.start(1), m.end(1))
    for m in _CARD.finditer(text):
        if not overlaps(m.start(1), m.end(1)) and luhn_valid(m.group(1)):
            add(FindingKind.BANK_CARD, m.start(1), m.end(1))
    for m in _MOBILE.finditer(text):
        if not overlaps(m.start(1), m.end(1)):
            add(FindingKind.MOBILE, m.start(1), m.end(1))
    for m in _SECRECY.finditer(text):
        add(FindingKind.SECRECY_MARK, m.start(), m.end())
    for word in {w for w in words if w}:
        for m in re.finditer(re.escape(word), text):
            add(FindingKind.WORD, m.start(), m.end())
    hits.sort(key=lambda h: (h.start, h.kind))
    return hits
