"""Numbers from query parameters. A bad link (letters, "²", "١", twenty
digits, out of range) must give a normal page or a 404, never a server
error: Python's ``str.isdigit()`` accepts "²", which ``int()`` refuses, and
ids beyond 64 bits overflow the database driver."""

from __future__ import annotations

MAX_ID = 2**31 - 1


def parse_int(value: str | None, low: int = 1, high: int = MAX_ID) -> int | None:
    """The whole number in ``value`` (ASCII digits only) when it lies in
    ``low``–``high``; None for anything else."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        return None
    number = int(value)
    return number if low <= number <= high else None
