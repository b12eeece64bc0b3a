"""The masked form (脱敏) of what a scan found, by the finding's kind: an ID number keeps its first four and last
four characters (1101**********002X), a mobile number its first three and last four (138****5678), a bank card
its first and last four; a word from the list — often a person's name — and a secrecy mark keep their first
character only (张**). Numbers are masked as digits, whatever grouping or full-width form they were written in."""

from __future__ import annotations

import re

from gongkai.core.masking import HIDDEN, mask, mask_id_number, mask_phone
from gongkai.sensitive.models import FindingKind

_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_NOT_DIGIT = re.compile(r"[^0-9Xx]")


def masked_form(kind: str, match: str) -> str:
    """What replaces ``match`` (a finding of ``kind``) in the text."""
    if kind in (FindingKind.ID_NUMBER, FindingKind.MOBILE, FindingKind.BANK_CARD):
        digits = _NOT_DIGIT.sub("", match.translate(_FULL_WIDTH)).upper()
        if kind == FindingKind.ID_NUMBER:
            return mask_id_number(digits)
        if kind == FindingKind.MOBILE:
            return mask_phone(digits)
        return mask(digits, keep_start=4, keep_end=4)
    if len(match) <= 1:
        return HIDDEN * len(match)
    return match[0] + HIDDEN * (len(match) - 1)
