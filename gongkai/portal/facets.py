"""The catalogue's browse facets (主题 / 类别 / 年份 links), built in Python
and kept in the process per configuration version, language and choice:
the template loops over ~110 topics were most of a cold catalogue page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext

from gongkai.core.htmlrows import Row, join
from gongkai.portal import cache as page_cache

_MEMO: dict[tuple, SafeString] = {}
_MEMO_SIZE = 512


def _href(topic, category, year) -> str:
    return "?" + urlencode({k: v for k, v in (("topic", topic), ("category", category), ("year", year)) if v})


LINK = Row('<li{css}><a href="{href}"{current}>{label}</a></li>')
CSS = Row(' class="{css}"')
CURRENT, NOTHING = SafeString(' aria-current="true"'), SafeString("")
FACETS = Row(
    '<h2>{topics}</h2>\n<ul>{topic_items}</ul>\n<h2>{categories}</h2>\n<ul>{category_items}</ul>\n<h2>{years}</h2>\n'
    '<ul class="years">{year_items}</ul>'
)


def _link(href: str, label, current: bool, css: str = "") -> SafeString:
    return LINK(css=CSS(css=css) if css else NOTHING, href=href, current=CURRENT if current else NOTHING, label=label)


def catalogue_facets(*, topics, categories, years, topic, category, year) -> SafeString:
    """The three facet lists of the catalogue page for the current choice;
    a topic's children are shown under the chosen topic (or its parent)."""
    topic_id = topic.pk if topic else None
    topic_parent = topic.parent_id if topic else None
    category_id = category.pk if category else None
    key = (page_cache.versions(["conf"]), get_language(), topic_id, category_id, year, tuple(years))
    html = _MEMO.get(key)
    if html is not None:
        return html
    shown = [t for t in topics if not t.parent_id or t.parent_id == topic_id or (topic and t.parent_id == topic_parent)]
    topic_items = [_link(_href(None, category_id, year), pgettext("disclosure column", "All topics"), topic is None)]
    topic_items += [
        _link(_href(t.pk, category_id, year), t.name, t.pk == topic_id, "child" if t.parent_id else "") for t in shown
    ]
    category_items = [_link(_href(topic_id, None, year), pgettext("disclosure column", "All categories"), category is None)]
    category_items += [_link(_href(topic_id, c.pk, year), c.name, c.pk == category_id) for c in categories]
    year_items = [_link(_href(topic_id, category_id, None), pgettext("disclosure column", "All years"), not year)]
    year_items += [_link(_href(topic_id, category_id, y), y, y == year) for y in years]
    html = FACETS(
        topics=pgettext("disclosure column", "Topics"), topic_items=join(topic_items),
        categories=pgettext("disclosure column", "Categories"), category_items=join(category_items),
        years=pgettext("disclosure column", "Year"), year_items=join(year_items),
    )
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = html
    return html
