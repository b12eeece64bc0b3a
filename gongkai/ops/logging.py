"""Log formats. ``LOG_FORMAT=json`` writes one JSON object per line (for a log
collector); ``text`` writes readable lines. Both carry the request id."""

from __future__ import annotations

import datetime as dt
import json
import logging

from gongkai.ops import context

# Attributes of a LogRecord that are not extra fields given by the caller.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id", "request"}
_REQUEST_FIELDS = ("user_id", "organ", "route", "status", "duration_ms", "method")


class RequestContextFilter(logging.Filter):
    """Puts the current request id (and user, organ, route) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = context.request_id.get()
        if getattr(record, "user_id", None) is None:
            record.user_id = context.user_id.get()
        if not getattr(record, "organ", ""):
            record.organ = context.organ.get()
        if not getattr(record, "route", ""):
            record.route = context.route.get()
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, user_id, organ, route, status,
    duration_ms — and any other ``extra`` the caller gave — as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
        }
        for name in _REQUEST_FIELDS:
            value = getattr(record, name, None)
            if value not in (None, ""):
                entry[name] = value
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in entry and name not in _REQUEST_FIELDS and not name.startswith("_"):
                entry[name] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = context.request_id.get()
        record.request_id = record.request_id or "-"
        return super().format(record)
