"""Identity numbers an applicant gives (Art. 29 (一)): the check digit of a
resident identity number (GB 11643-1999) and the check character of a unified
social credit code (GB 32100-2015)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from gongkai.core.errors import DomainError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_resident_id(value: str) -> str:
    """The normalised number (upper-case X), or DomainError naming the field."""
    number = (value or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise DomainError(_("A resident identity number has 18 characters: 17 digits and a final digit or X."), field="id_number")
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(_("The date of birth in this identity number does not exist."), field="id_number") from None
    if born > dt.date.today() or born.year < 1900:
        raise DomainError(_("The date of birth in this identity number does not exist."), field="id_number")
    if resident_id_check_digit(number[:17]) != number[17]:
        raise DomainError(_("This identity number is not valid: its check digit does not match."), field="id_number")
    return number


def credit_code_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        raise DomainError(
            _("A unified social credit code has 18 characters (digits and capital letters except I, O, Z, S, V)."),
            field="id_number",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise DomainError(_("This unified social credit code is not valid: its check character does not match."), field="id_number")
    return code
