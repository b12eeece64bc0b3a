"""Highlighted snippets (摘要高亮) for search results, cut from the item's
plain text in the database (the index stores tokens, not readable text)."""

from __future__ import annotations

import functools
import re

from django.utils.safestring import SafeString, mark_safe

from gongkai.core.htmlrows import text as escape  # the rows' escaping: & < > " ' and NUL


def _pattern(words: list[str]) -> re.Pattern | None:
    return _compiled(tuple(words))


@functools.lru_cache(maxsize=256)
def _compiled(words: tuple[str, ...]) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def mark(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with every query word wrapped in <mark>."""
    pattern = _pattern(words)
    if pattern is None:
        return mark_safe(escape(text))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    # Adjacent words (饮用 + 水源) read as one highlight.
    return mark_safe("".join(out).replace("</mark><mark>", ""))


def snippet(text: str, words: list[str], width: int = 140) -> SafeString:
    """A window of ``text`` around the first query word, highlighted."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    start = 0
    if pattern is not None:
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - width // 4)
    fragment = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + mark(fragment, words) + suffix)
