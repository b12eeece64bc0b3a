"""What the current request (or the job it queued) is: its id, route, user and
organ. Kept in context variables so every log line and every job queued while
handling the request can carry the request id."""

from __future__ import annotations

import contextvars
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("gongkai_request_id", default="")
user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("gongkai_user_id", default=None)
organ: contextvars.ContextVar[str] = contextvars.ContextVar("gongkai_organ", default="")
route: contextvars.ContextVar[str] = contextvars.ContextVar("gongkai_route", default="")

HEADER = "X-Request-ID"
# Letters, digits and - _ . : only, at most 64: an id from a proxy is logged as is, so it may not carry
# line breaks, quotes or anything else that could forge a log line.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def valid_request_id(value: str | None) -> str | None:
    """The id a client or proxy sent, or None when it is missing or malformed."""
    if value and _VALID.match(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex
