"""Filters of the API documentation page."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_CODE = re.compile(r"``(.+?)``|`(.+?)`")


@register.filter
def code_spans(text: str) -> str:
    """Escape ``text``, keep its line breaks and show what it quotes in backticks (values a client sends) as code."""
    escaped = escape(text or "")
    marked = _CODE.sub(lambda m: f"<code>{m.group(1) or m.group(2)}</code>", escaped)
    return mark_safe(marked.replace("\n", "<br>"))
