"""Soft 404 (软404): a page that answers 200 but tells the reader it does not exist.

Many government sites answer a missing article with their own "页面不存在" page and status 200, so a checker
that trusts the status misses exactly the links people complain about. A page is taken for one when its title
says so, when a short page says so in its text, or when it has next to nothing in it at all. Long pages that
merely mention "404" or "找不到" in passing are not: the phrase has to be the point of the page.
"""

from __future__ import annotations

import re

from .html import Page

TITLE_PHRASES = re.compile(
    r"页面不存在|网页不存在|页面未找到|找不到(该|此|您要的)?页面|找不到|无法找到|不存在或已删除|已被删除|"
    r"(?<![\w.])404(?![\w.])|not found|page (does not|doesn't) exist|no longer available",
    re.IGNORECASE,
)
TEXT_PHRASES = re.compile(
    r"页面不存在|网页不存在|您访问的页面不存在|您所访问的页面不存在|页面未找到|找不到(该|此|您要的|您访问的)?页面|"
    r"页面已删除|不存在或已(被)?删除|(?<![\w.])404 ?(not found|错误)|page not found|the page you requested",
    re.IGNORECASE,
)
SHORT_TEXT = 600  # characters of visible text under which an error sentence makes the page an error page
TINY_BODY = 64  # bytes: an "HTML page" this small carries nothing a link could be meant for


def is_soft_404(page: Page | None, body_size: int) -> str:
    """The reason the page looks like a missing page, or "" when it looks real."""
    if body_size < TINY_BODY:
        return f"tiny body ({body_size} bytes)"
    if page is None:
        return ""
    if page.title and TITLE_PHRASES.search(page.title):
        return f"title: {page.title[:80]}"
    if len(page.text) < SHORT_TEXT:
        match = TEXT_PHRASES.search(page.text)
        if match:
            return f"text: {match.group(0)}"
    return ""
