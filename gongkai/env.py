"""Reading settings from the environment. A value that is set but malformed
stops the process with a message naming the variable: a typo in production
must never fall back silently to a default."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


_RATE_UNITS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


def parse_rate(text: str, name: str = "rate limit") -> Rate | None:
    """``"10/h"`` → Rate(10, 3600); ``"5/15min"`` → Rate(5, 900); ``"off"`` → None."""
    if text.strip().lower() in {"off", "none", ""}:
        return None
    match = _RATE_RE.match(text.lower())
    if not match or match.group(3) not in _RATE_UNITS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"{name}={text!r} is not 'count/period' (e.g. 10/h, 5/15min, 60/min, off)")
    return Rate(int(match.group(1)), int(match.group(2) or 1) * _RATE_UNITS[match.group(3)])


def env_rate(name: str, default: str) -> str:
    """A rate limit from the environment, checked now so a typo stops the process at start."""
    value = os.environ.get(name, default)
    parse_rate(value, name)
    return value
