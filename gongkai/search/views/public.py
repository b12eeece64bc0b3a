"""The portal's search page (站内搜索): the whole site's and each column's.

Thin: the query is answered by ``gongkai.search.services.search``; this
module reads the filters, builds the hit rows and renders. The page is cached
whole for anonymous visitors under the index generation and the synonym
list's version, so a newly indexed item or an edited synonym shows at once.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Item, Validity
from gongkai.core import ratelimit
from gongkai.core.htmlrows import Row, join

# The shell's page cache, column look-ups and page helpers (the portal owns the layout).
from gongkai.portal import cache as page_cache
from gongkai.portal import selectors
from gongkai.portal.views import (
    MAX_YEAR,
    MIN_YEAR,
    PER_PAGE,
    _query_without_page,
    base_context,
    choice_param,
    int_param,
    item_path,
    last_page_address,
    organ_or_404,
    page_param,
    site_meta,
    time_element,
    validity_badge,
)
from gongkai.search import index as search_index
from gongkai.search import services as search_services
from gongkai.search import synonyms
from gongkai.search.highlight import mark, snippet

# What a search hit shows (the body only for the snippet): not every column.
HIT_FIELDS = (
    "id",
    "title",
    "validity",
    "document_number",
    "published_at",
    "body_text",
    "attachments_text",
    "organ_id",
    "category_id",
)


OPTION = Row('<option value="{value}"{selected}>{label}</option>')
SELECTED, NOT_SELECTED = SafeString(" selected"), SafeString("")


def _options(pairs, selected) -> SafeString:
    """The <option>s of a filter select, built in Python (``core.htmlrows``): the template loop
    over ~110 topics and 50 organs was most of a search page's CPU at 1M."""
    return join(OPTION(value=value, selected=SELECTED if value == selected else NOT_SELECTED, label=label) for value, label in pairs)


# The filter options of the search form, per ``conf`` version, language and
# column, kept in the process: building them (and loading ~170 topics, organs
# and categories from the cache) was most of a search page's CPU.
_FILTER_MEMO: dict[tuple, dict] = {}


def _filter_choices(organ) -> dict:
    key = (page_cache.versions(["conf"]), get_language(), organ.pk if organ else 0)
    memo = _FILTER_MEMO.get(key)
    if memo is None:
        organs = selectors.search_organs(organ)
        topics = selectors.topics()
        categories = selectors.categories()
        memo = {
            "organ_ids": {o.pk for o in organs},
            "topic_ids": {t.pk for t in topics},
            "category_ids": {c.pk for c in categories},
            "organ_options": _options(((o.pk, o.name) for o in organs), None),
            "topic_options": _options(((t.pk, str(t)) for t in topics), None),
            "category_options": _options(((c.pk, c.name) for c in categories), None),
        }
        if len(_FILTER_MEMO) >= 64:
            _FILTER_MEMO.clear()
        _FILTER_MEMO[key] = memo
    return memo


def _select(options: str, value) -> str:
    """Mark one value of memoised options as selected."""
    if value is None:
        return options
    return mark_safe(options.replace(f'<option value="{value}">', f'<option value="{value}" selected>', 1))


# Search pages are cached briefly: popular queries repeat, and the key carries
# the index generation this process reads, so a newly indexed item shows at once.
SEARCH_PAGE_SECONDS = 120


@ratelimit.rate_limited("search", methods=("GET", "HEAD"))
def search(request, organ_slug=None):
    names = [page_cache.column_key(organ_slug)] if organ_slug else ["items"]
    return page_cache.cached_page(
        request,
        names,
        lambda: _search_page(request, organ_slug),
        SEARCH_PAGE_SECONDS,
        vary=f"{search_index.generation()}:{synonyms.table().version}",
    )


def _search_page(request, organ_slug):
    organ = organ_or_404(organ_slug) if organ_slug else None
    query = request.GET.get("q", "")[: search_services.MAX_QUERY_CHARS]
    choices = _filter_choices(organ)
    organ_filter = int_param(request, "organ")
    if organ_filter not in choices["organ_ids"]:
        organ_filter = None
    topic_id = int_param(request, "topic")
    topic_id = topic_id if topic_id in choices["topic_ids"] else None
    category_id = int_param(request, "category")
    category_id = category_id if category_id in choices["category_ids"] else None
    year = int_param(request, "year", MIN_YEAR, MAX_YEAR)
    validity = choice_param(request, "validity", Validity.values)
    order = choice_param(request, "order", ["relevance", "date"]) or "relevance"
    page = page_param(request)
    years = selectors.column_years(organ)

    results = search_services.search(
        query,
        # An anonymous visitor's page is cached whole (cached_page): no need to keep the hits apart too.
        remember=request.user.is_authenticated or not settings.PUBLIC_PAGE_CACHE_SECONDS,
        organs=[organ_filter] if organ_filter else None,
        column=organ.pk if organ else None,
        topic=topic_id,
        category=category_id,
        year=year,
        validity=validity,
        order=order,
        page=page,
        per_page=PER_PAGE,
        # Nothing found: show what a near query finds, and say so.
        correct=True,
    )
    if results.total and page > results.pages:  # a page past the end: the last page
        return redirect(last_page_address(request, results.pages))
    hits = _hit_rows(results)
    params = {
        "q": query,
        "organ": organ_filter,
        "topic": topic_id,
        "category": category_id,
        "year": year,
        "validity": validity,
        "order": order if order != "relevance" else None,
    }
    context = base_context(request, organ, "search")
    context.update(
        query=query,
        results=results,
        hits=hits,
        hits_html=join(hits),
        split=[(word, "、".join(f"“{p}”" for p in parts)) for word, parts in results.split.items()],
        suggestion_query=_query_without_page(request, {**params, "q": results.suggestion}) if results.suggestion else "",
        organ_options=_select(choices["organ_options"], organ_filter),
        topic_options=_select(choices["topic_options"], topic_id),
        category_options=_select(choices["category_options"], category_id),
        year_options=_options(((y, y) for y in years), year),
        several_organs=len(choices["organ_ids"]) > 1,
        validities=Validity.choices,
        selected={
            "organ": organ_filter,
            "topic": topic_id,
            "category": category_id,
            "year": year,
            "validity": validity,
            "order": order,
        },
        query_base=_query_without_page(request, params),
        page_numbers=_page_window(page, results.pages),
        start=(page - 1) * PER_PAGE + 1,
        meta=site_meta(request, organ, _("Search")),
    )
    return render(request, "portal/search.html", context)


HIT_ROW = Row(
    '<li><h3><a href="{url}">{title}</a>{badge}</h3><p class="snippet">{snippet}</p>'
    '<p class="small muted">{organ} · {category}{number} · {published}</p></li>'
)
HIT_NUMBER = Row(" · {number}")


def _hit_rows(results) -> list[SafeString]:
    """Each hit's list entry, built through ``core.htmlrows`` rather than node by node in the template (20 rows of 9
    values each were half of a new query's page), from one query of the columns shown (no model instances). Every
    value from the item is escaped (``mark`` and ``snippet`` escape and highlight)."""
    if not results.ids:
        return []
    rows = {
        row[0]: row
        for row in Item.objects.published().filter(pk__in=results.ids).values_list(*HIT_FIELDS).order_by()
    }
    # Organ and category names from the look-ups kept in the process: no joins.
    organs = selectors.organ_labels()
    categories = {c.pk: c.name for c in selectors.all_categories()}
    out = []
    for hit in results.hits:
        row = rows.get(hit.id)
        if row is None:  # unpublished since the index was written; the signal will remove it
            continue
        pk, title, validity, number, published, body, attachments, organ_id, category_id = row
        slug, organ_name, _short = organs.get(organ_id, ("", "", ""))
        out.append(HIT_ROW(
            url=item_path(slug, pk), title=mark(title, results.words), badge=validity_badge(validity),
            snippet=snippet(body or attachments, results.words), organ=organ_name, category=categories.get(category_id, ""),
            number=HIT_NUMBER(number=number) if number else "", published=time_element(published),
        ))
    return out


def _page_window(page: int, pages: int, width: int = 5) -> list[int]:
    start = max(1, page - width)
    return list(range(start, min(pages, page + width) + 1))
