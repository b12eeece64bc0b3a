"""Personal data as shown to those who may not read it in full (脱敏).

Each function keeps enough to recognise a value (the start and end of an ID
number or phone, the first letter of a mailbox and its domain, the district of
an address) and hides the rest; the result never contains a hidden character.
"""

from __future__ import annotations

HIDDEN = "*"


def mask(value: str, *, keep_start: int, keep_end: int) -> str:
    """The middle replaced by asterisks, one for each character; a value too
    short to keep both ends is hidden whole."""
    value = value or ""
    if len(value) <= keep_start + keep_end:
        return HIDDEN * len(value)
    return value[:keep_start] + HIDDEN * (len(value) - keep_start - keep_end) + (value[-keep_end:] if keep_end else "")


def mask_id_number(value: str, *, credit_code: bool = False) -> str:
    """1101**********2672; a unified social credit code keeps its first six (the registering authority and region)."""
    return mask(value, keep_start=6 if credit_code else 4, keep_end=4)


def mask_phone(value: str) -> str:
    """138****5678; a landline 0755-****1234."""
    value = value or ""
    area, dash, number = value.partition("-")
    if dash and 3 <= len(area) <= 4 and area.isdigit() and len(number) > 4:
        return f"{area}-{mask(number, keep_start=0, keep_end=4)}"
    return mask(value, keep_start=3, keep_end=4)


def mask_email(value: str) -> str:
    """z***@example.com: the mailbox's first character, the domain kept."""
    value = value or ""
    local, at, domain = value.rpartition("@")
    if not at:
        return mask(value, keep_start=1, keep_end=0) if len(value) > 1 else HIDDEN * len(value)
    return (local[:1] if len(local) > 1 else "") + HIDDEN * 3 + "@" + domain


def mask_address(value: str) -> str:
    """某市福田区****: the first third at most six characters kept, the rest hidden
    behind four asterisks whatever its length."""
    value = (value or "").strip()
    if not value:
        return ""
    keep = min(6, len(value) // 3)
    return value[:keep] + HIDDEN * 4


def hide(value: str) -> str:
    """Nothing shown but that there is a value."""
    return HIDDEN * 6 if value else ""
