"""Links, anchors, title and visible text of a page, read with the standard library's html.parser.

html.parser never raises on broken markup, so a page the browser would show is a page we can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# tag -> the attributes that hold an address to check
LINK_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "source": ("src", "srcset"),
}
# Links followed to crawl further; the others only have to answer.
PAGE_TAGS = frozenset({"a", "area", "iframe"})
_INVISIBLE = frozenset({"script", "style", "template", "noscript"})
_TEXT_KEPT = 4000  # characters of visible text kept for the soft-404 look


@dataclass(slots=True)
class Link:
    href: str
    tag: str
    text: str = ""


@dataclass(slots=True)
class Page:
    links: list[Link] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    title: str = ""
    text: str = ""
    base: str = ""


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open_link: Link | None = None
        self._link_text: list[str] = []
        self._in_title = False
        self._title: list[str] = []
        self._skip = 0
        self._text: list[str] = []
        self._text_length = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        page = self.page
        for key in ("id", "name") if tag == "a" else ("id",):
            anchor = values.get(key)
            if anchor:
                page.anchors.add(anchor)
        if tag == "base" and values.get("href") and not page.base:
            page.base = values["href"] or ""
            return
        if tag in _INVISIBLE:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        wanted = LINK_ATTRIBUTES.get(tag)
        if not wanted:
            return
        if tag == "link" and (values.get("rel") or "").strip().lower() in ("preconnect", "dns-prefetch"):
            return  # names a host to warm up, not a resource
        for attribute in wanted:
            value = values.get(attribute)
            if not value:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        page.links.append(Link(url, tag, values.get("alt") or ""))
                continue
            link = Link(value, tag, values.get("alt") or values.get("title") or "")
            page.links.append(link)
            if tag == "a":
                self._open_link, self._link_text = link, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _INVISIBLE:
            self._skip -= 1
        elif tag == "a":
            self._close_link()

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "a":
            self._close_link()

    def _close_link(self) -> None:
        if self._open_link is not None:
            text = " ".join("".join(self._link_text).split())
            if text:
                self._open_link.text = text[:200]
            self._open_link = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
            return
        if self._skip:
            return
        if self._open_link is not None:
            self._link_text.append(data)
        if self._text_length < _TEXT_KEPT:
            self._text.append(data)
            self._text_length += len(data)

    def result(self) -> Page:
        self._close_link()
        self.page.title = " ".join("".join(self._title).split())
        self.page.text = " ".join("".join(self._text).split())[:_TEXT_KEPT]
        return self.page


# html.parser handles each tag in Python (~8 µs a tag); most tags of a page (p, div, span, li, td…) carry no link
# and no anchor. One regular-expression pass, run in C, drops those before the parser sees the page: start tags
# other than the ones read here, unless they carry an id, and end tags other than </a> and </title>.
_KEPT = r"(?:a|area|link|img|script|iframe|source|base|title|style|template|noscript)"
_UNUSED_TAG = re.compile(
    rf"</(?!{_KEPT}\s*>)[a-z][a-z0-9]*\s*>"
    rf"|<(?!{_KEPT}[\s/>])[a-z][a-z0-9]*"
    r"""(?:\s+(?!id\s*=)[^\s>=/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?)*\s*/?>""",
    re.IGNORECASE,
)


# For a page only looked at (another site's page: is it a soft 404?), every tag but the title and the invisible ones.
_INVISIBLE_OR_TITLE = r"(?:title|script|style|template|noscript)"
_NOT_TEXT_TAG = re.compile(
    rf"</(?!{_INVISIBLE_OR_TITLE}\s*>)[a-z][a-z0-9]*\s*>"
    rf"|<(?!{_INVISIBLE_OR_TITLE}[\s/>])[a-z][a-z0-9]*"
    r"""(?:\s+[^\s>=/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']*))?)*\s*/?>""",
    re.IGNORECASE,
)


def parse(markup: str, *, links: bool = True) -> Page:
    """The page's links, anchors, title and visible text; with ``links=False`` only its title and text."""
    extractor = _Extractor()
    extractor.feed((_UNUSED_TAG if links else _NOT_TEXT_TAG).sub("", markup))
    extractor.close()
    return extractor.result()
