"""User HTML is cleaned with nh3 (Ammonia): scripts, event handlers, styles and
foreign schemes are dropped; the tags an article body needs are kept.

Bodies are written in the workspace's rich-text editor (Trix, vendored under
static/vendor/trix), which writes a paragraph per line as ``<div>line<br>line</div>``
and its heading as ``<h1>``. Cleaning maps that onto the HTML the rest of the
platform (public page, diff, exports) expects: a ``<p>`` per line, and ``<h2>``
for headings, because the page's own title is the one ``<h1>``."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import nh3
from django import forms
from django.utils.translation import gettext, pgettext

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup", "span", "div",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "a", "img", "hr", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "p": {"align"},
    "col": {"span"},
}
VOID_TAGS = {"br", "img", "hr", "col"}
INLINE_TAGS = {"strong", "b", "em", "i", "u", "s", "del", "sub", "sup", "span", "a", "code", "br", "img"}

# What the editor can show and write back unchanged. A body with anything else
# (tables, images, alignment, smaller headings …) is edited as HTML instead, so
# opening it in the editor never silently drops part of it.
EDITOR_TAGS = {"p", "div", "br", "strong", "b", "em", "i", "del", "a", "h2", "blockquote", "pre", "ul", "ol", "li"}
EDITOR_ATTRIBUTES = {"a": {"href", "rel"}}


# An image must come from the platform itself: a path on this site ("/media/…"),
# never another host ("https://…", "//host/…", "/\\host/…"), which a reviewer's
# browser would otherwise fetch, telling that host who reads what and when.
_OWN_PATH = re.compile(r"^/(?![/\\])[^\s\\]*$")


def _own_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _OWN_PATH.match(value.strip()) else None
    return value


def clean_html(value: str) -> str:
    cleaned = nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_own_images_only,
    )
    # nh3 writes tags in lower case and drops every attribute of h1 and div, so
    # these exact strings are the only forms in which they can appear.
    if "<h1>" in cleaned:
        cleaned = cleaned.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    if "<div>" in cleaned:
        cleaned = _serialize(_lines_to_paragraphs(_parse(cleaned)))
    return cleaned


def safe_for_display(value: str) -> str:
    """A stored body as it may be shown: cleaned again with today's rules (so
    bodies saved before a rule existed, such as outside images, are shown
    safely too). Cheap for bodies without images."""
    if "<img" not in (value or "").lower():
        return value or ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=_own_images_only,
    )


def html_to_text(value: str) -> str:
    """Plain text of a cleaned body, for search and sensitive-content scanning."""
    text = nh3.clean(value or "", tags=set())
    return html.unescape(text)


def editor_can_keep(value: str) -> bool:
    """Whether the rich-text editor can open this body without losing anything."""
    def fits(node: _Element) -> bool:
        for child in node.children:
            if isinstance(child, _Element):
                if child.tag not in EDITOR_TAGS or set(dict(child.attrs)) - EDITOR_ATTRIBUTES.get(child.tag, set()):
                    return False
                if not fits(child):
                    return False
        return True

    return fits(_parse(clean_html(value)))


def toolbar_labels() -> dict[str, str]:
    """The editor's toolbar texts in the active language, keyed as ``Trix.config.lang``."""
    return {
        "bold": pgettext("editor toolbar", "Bold"),
        "italic": pgettext("editor toolbar", "Italic"),
        "strike": pgettext("editor toolbar", "Strikethrough"),
        "link": pgettext("editor toolbar", "Link"),
        "unlink": pgettext("editor toolbar", "Unlink"),
        "url": pgettext("editor toolbar", "URL"),
        "urlPlaceholder": pgettext("editor toolbar", "Enter a URL…"),
        "heading1": pgettext("editor toolbar", "Heading"),
        "quote": pgettext("editor toolbar", "Quote"),
        "bullets": pgettext("editor toolbar", "Bullets"),
        "numbers": pgettext("editor toolbar", "Numbers"),
        "outdent": pgettext("editor toolbar", "Decrease Level"),
        "indent": pgettext("editor toolbar", "Increase Level"),
        "undo": pgettext("editor toolbar", "Undo"),
        "redo": pgettext("editor toolbar", "Redo"),
        "remove": pgettext("editor toolbar", "Remove"),
        "toolbar": pgettext("editor toolbar", "Formatting"),
    }


class RichTextarea(forms.Textarea):
    """A textarea that static/js/richtext.js turns into the rich-text editor.

    Without JavaScript it stays a textarea (HTML may be typed, and is cleaned on
    saving); with it, the editor edits the same field. A body the editor could
    not keep intact stays a textarea too, with a note saying why."""

    class Media:
        css = {"all": ["vendor/trix/trix.css", "css/richtext.css"]}
        js = ["vendor/trix/trix.umd.min.js", "js/richtext.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if editor_can_keep(value or ""):
            widget_attrs["data-richtext"] = json.dumps(toolbar_labels(), ensure_ascii=False)
        else:
            widget_attrs["data-richtext-kept-as-html"] = gettext(
                "This text has tables, images or other formatting the editor cannot keep, so it is edited as HTML "
                "here. Scripts and styles are removed on saving."
            )
        return context


# --- A small tree of cleaned HTML ------------------------------------------------------


class _Element:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]):
        self.tag, self.attrs = tag, attrs
        self.children: list[str | _Element] = []

    def is_inline(self) -> bool:
        return self.tag in INLINE_TAGS and all(
            isinstance(child, str) or child.is_inline() for child in self.children
        )


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, attrs)
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Element(tag, attrs))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse(cleaned: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(cleaned)
    builder.close()
    return builder.root


def _lines_to_paragraphs(node: _Element) -> _Element:
    """A ``<div>`` of text and inline markup (the editor's block) becomes one
    ``<p>`` per line; empty lines are dropped. Other divs stay as they are."""
    children: list[str | _Element] = []
    for child in node.children:
        if isinstance(child, str):
            children.append(child)
        elif child.tag == "div" and all(isinstance(c, str) or c.is_inline() for c in child.children):
            line: list[str | _Element] = []
            for part in [*child.children, _Element("br", [])]:
                if isinstance(part, _Element) and part.tag == "br":
                    if any(isinstance(p, _Element) or p.strip() for p in line):
                        paragraph = _Element("p", [])
                        paragraph.children = line
                        children.append(paragraph)
                    line = []
                else:
                    line.append(part)
        else:
            children.append(_lines_to_paragraphs(child))
    node.children = children
    return node


def _serialize(node: _Element) -> str:
    parts = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(html.escape(child, quote=False))
            continue
        attrs = "".join(
            f' {name}="{html.escape(value or "", quote=True)}"' for name, value in child.attrs
        )
        parts.append(f"<{child.tag}{attrs}>")
        if child.tag not in VOID_TAGS:
            parts.append(_serialize(child))
            parts.append(f"</{child.tag}>")
    return "".join(parts)
