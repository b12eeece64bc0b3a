"""Contact details people type into the platform's forms: one rule for applications and the message box."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-()（）－]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")
# A mobile number; a landline with its area code (and an extension); a 400/800 number; a short or local number
# (12345, a landline typed without its area code).
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}[0-9]{7,8}[0-9]{0,6}|[48]00[0-9]{7}|[0-9]{5,8}")
_POSTCODE = re.compile(r"[0-9]{6}")


def phone_digits(value: str) -> str:
    """The digits of a phone number as typed: spaces, hyphens and brackets dropped, full-width digits read, the
    country code +86 / 0086 left out."""
    digits = _SEPARATORS.sub("", (value or "").translate(_FULL_WIDTH))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix):]
    return digits


def is_phone(value: str) -> bool:
    """Whether ``value`` can be a Chinese phone number, however it is grouped."""
    return bool(_PHONE.fullmatch(phone_digits(value)))


def is_postcode(value: str) -> bool:
    """A Chinese postcode: six digits (full-width digits read as such)."""
    return bool(_POSTCODE.fullmatch((value or "").strip().translate(_FULL_WIDTH)))
