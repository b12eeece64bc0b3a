"""HTML rows built in Python, for the long lists where the template engine is the cost (the catalogue list, the
case queues, search hits: 20 rows of eight values, node by node, were a third of a page's first view).

One way to do it, escaping every value on the way in:

    ROW = Row('<tr><td><a href="{url}">{title}</a>{badge}</td><td>{number}</td></tr>')
    rows_html = join(ROW(url=item_path(...), title=item.title, badge=badge, number=item.document_number or "—")
                     for item in page)

A value is escaped (``& < > " '``, so it is safe inside text and inside a quoted attribute) unless it is already
markup: a ``SafeString`` (``mark_safe``, ``format_html``, another ``Row``). ``None`` is the empty string. The text
is Django's ``escape`` to the character (a NUL stays, as in a template; a browser shows it as U+FFFD). The
template itself is trusted markup, filled in one pass: a ``{`` inside a value stays text.

The standard library's ``html.escape`` does the escaping; Django's ``escape`` gives the same text but first checks
every argument for a lazy string, which is what makes it slow in a loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _escape
from typing import Any

from django.utils.safestring import SafeString


def text(value: Any) -> str:
    """``value`` as HTML: markup (a SafeString) as it is, anything else escaped; None is ""."""
    if value is None:
        return ""
    if isinstance(value, SafeString):
        return value
    return _escape(str(value))


class Row:
    """A row of trusted markup with ``{name}`` fields; calling it with the values gives the row, every value escaped."""

    __slots__ = ("template",)

    def __init__(self, template: str) -> None:
        self.template = template

    def __call__(self, **values: Any) -> SafeString:
        # text() inlined: this runs for every value of every row of a list page.
        for name, value in values.items():
            if value.__class__ is str:  # plain text, the common case (a SafeString is a subclass: not this)
                values[name] = _escape(value)
            elif not isinstance(value, SafeString):
                values[name] = "" if value is None else _escape(str(value))
        return SafeString(self.template.format_map(values))


def join(rows: Iterable[str], separator: str = "") -> SafeString:
    """The rows as one piece of markup. Give it only rows made by a Row (or other SafeStrings)."""
    parts = list(rows)
    if not all(isinstance(part, SafeString) for part in parts):
        raise TypeError("join() takes rows made by a Row (or other SafeStrings); escape text with text() first")
    return SafeString(separator.join(parts))
