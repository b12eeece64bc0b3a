"""The public disclosure column (政府信息公开专栏): landing page, each organ's
column home, guide (指南), catalogue (目录), item pages, search, feeds and
sitemap. Thin: queries live in ``selectors``, search in ``gongkai.search``;
rendered pages are cached for anonymous visitors (``cache``)."""

from __future__ import annotations

from html import escape  # the standard library's: no lazy-string check per call

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Item, Topic, Validity
from gongkai.core import ratelimit
from gongkai.core.params import MAX_ID, parse_int
from gongkai.organs.models import Organ, OrganKind
from gongkai.portal import cache as page_cache
from gongkai.portal import selectors
from gongkai.search import services as search_services
from gongkai.search.highlight import mark, snippet

PER_PAGE = 20
MIN_YEAR, MAX_YEAR = 1949, 2200


# --- parameters ----------------------------------------------------------------
# Unknown or malformed values are ignored (the filter is not applied), so a
# bad link gives a normal page, never an error.


def int_param(request, name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    return parse_int(request.GET.get(name), low, high)


def page_param(request) -> int:
    return int_param(request, "page", 1, 1_000_000) or 1


def choice_param(request, name: str, choices) -> str | None:
    value = request.GET.get(name, "")
    return value if value in choices else None


_ITEM_PATH: list[str] = []


def item_path(slug: str, pk: int) -> str:
    """The item page's path, as ``{% url 'portal:item' %}`` gives it, without
    resolving the URL patterns for each of the 20 rows of a list."""
    if not _ITEM_PATH:
        _ITEM_PATH.append(reverse("portal:item", args=["__slug__", 2_147_483_647]))
    return _ITEM_PATH[0].replace("2147483647", str(pk)).replace("__slug__", slug)


def for_rows(items) -> list:
    """Items of a list with what each row shows already worked out: its
    page's path and its publication time in local time, as ISO 8601 (for
    ``<time datetime>``) and as the day shown."""
    items = list(items)
    for item in items:
        item.public_path = item_path(item.organ.slug, item.pk)
        local = timezone.localtime(item.published_at) if item.published_at else None
        item.published_iso = local.isoformat() if local else ""
        item.published_day = f"{local:%Y-%m-%d}" if local else ""
    return items


def organ_or_404(slug: str) -> Organ:
    organ = selectors.organ_for_slug(slug)
    if organ is None:
        raise Http404(_("There is no such organ."))
    return organ


def slug_names(slug: str) -> list[str]:
    """Cache version names for a column, named by the slug so that no
    look-up is needed: a hit costs one round trip for the versions and one
    for the page (an unknown slug renders, and 404s, uncached)."""
    return [page_cache.column_key(slug)]


def site_meta(request, organ: Organ | None, column_name: str, **extra) -> dict:
    """The meta tags government websites carry (SiteName, SiteIDCode, …)."""
    government = organ.portal_government if organ else None
    site = government or organ
    site_id = (organ.site_id_code if organ else "") or (government.site_id_code if government else "")
    meta = {
        "SiteName": site.name if site else request_site_name(),
        "SiteDomain": request.get_host(),
        "SiteIDCode": site_id,
        "ColumnName": column_name,
        "ColumnType": _("Government information disclosure"),
    }
    meta.update({k: v for k, v in extra.items() if v})
    return meta


def request_site_name() -> str:
    from django.conf import settings

    return settings.SITE_NAME


def base_context(request, organ: Organ | None, section: str) -> dict:
    return {"organ": organ, "section": section, "government": organ.portal_government if organ else None}


# --- landing page -----------------------------------------------------------------


def home(request):
    def render_page():
        organs = list(selectors.public_organs().order_by("path"))
        governments = [o for o in organs if o.kind == OrganKind.GOVERNMENT]
        tree = []
        for government in governments:
            below = [o for o in organs if o.path.startswith(government.path) and o.pk != government.pk]
            tree.append((government, below))
        placed = {o.pk for g, below in tree for o in [g, *below]}
        others = [o for o in organs if o.pk not in placed]
        context = {
            "tree": tree,
            "others": others,
            "meta": site_meta(request, None, _("Home")),
            "section": "home",
        }
        return render(request, "portal/home.html", context)

    return page_cache.cached_page(request, [], render_page)


# --- an organ's column --------------------------------------------------------------


def column_home(request, organ_slug):
    def render_page():
        organ = organ_or_404(organ_slug)
        items = selectors.list_items(selectors.column_items(organ))
        context = base_context(request, organ, "home")
        context.update(
            latest=list(items[:10]),
            policies=list(items.filter(category__is_policy=True)[:6]),
            interpretations=list(items.filter(category__is_interpretation=True)[:6]),
            organs_below=(
                list(selectors.public_organs().below(organ).exclude(pk=organ.pk)) if organ.kind == OrganKind.GOVERNMENT else []
            ),
            categories=selectors.categories(),
            meta=site_meta(request, organ, _("Government information disclosure column"), Description=organ.functions[:120]),
        )
        return render(request, "portal/column_home.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


def guide(request, organ_slug):
    """政府信息公开指南 (Art. 12), generated from the organ's own data."""

    def render_page():
        organ = organ_or_404(organ_slug)
        context = base_context(request, organ, "guide")
        all_topics = selectors.topics()
        roots = [t for t in all_topics if t.parent_id is None]
        children: dict[int, list[Topic]] = {}
        for topic in all_topics:
            if topic.parent_id:
                children.setdefault(topic.parent_id, []).append(topic)
        context.update(
            topic_tree=[(t, children.get(t.pk, [])) for t in roots],
            categories=selectors.categories(),
            meta=site_meta(request, organ, _("Disclosure guide"), ArticleTitle=_("Guide to government information disclosure")),
        )
        return render(request, "portal/guide.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


def _validity_badge(validity: str) -> str:
    """`` <span class="badge bad">废止</span>`` for an item no longer in force, else nothing."""
    if validity == Validity.IN_FORCE:
        return ""
    return f' <span class="badge bad">{escape(str(dict(Validity.choices).get(validity, validity)))}</span>'


def _time_element(published) -> str:
    """``<time>`` of a publication moment, in local time: ISO 8601 and the day shown."""
    if not published:
        return '<time datetime=""></time>'
    local = timezone.localtime(published)
    return f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d}</time>'


def _query_without_page(request, values: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


# --- search ---------------------------------------------------------------------------


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


def _options(pairs, selected) -> str:
    """The <option>s of a filter select, built in Python: the template loop
    over ~110 topics and 50 organs was most of a search page's CPU at 1M."""
    return format_html_join(
        "",
        "<option value=\"{}\"{}>{}</option>",
        ((value, mark_safe(" selected") if value == selected else "", label) for value, label in pairs),
    )


# The filter options of the search form, per ``conf`` version, language and
# column, kept in the process: building them (and loading ~170 topics, organs
# and categories from the cache) was most of a search page's CPU.
_FILTER_MEMO: dict[tuple, dict] = {}


def _filter_choices(organ: Organ | None) -> dict:
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
    from gongkai.search import index as search_index

    names = slug_names(organ_slug) if organ_slug else ["items"]
    return page_cache.cached_page(
        request,
        names,
        lambda: _search_page(request, organ_slug),
        SEARCH_PAGE_SECONDS,
        vary=str(search_index.generation()),
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
    )
    if results.total and page > results.pages:
        raise Http404(_("There is no such page."))
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
        hits_html=mark_safe("".join(hits)),
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


def _hit_rows(results) -> list[str]:
    """Each hit's list entry, built here rather than node by node in the
    template (20 rows of 9 values each were half of a new query's page), from
    one query of the columns shown (no model instances). Everything from the
    item is escaped (``mark`` and ``snippet`` escape and highlight)."""
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
        meta = [escape(organ_name), escape(categories.get(category_id, ""))]
        if number:
            meta.append(escape(number))
        meta.append(_time_element(published))
        out.append(
            f'<li><h3><a href="{escape(item_path(slug, pk))}">{mark(title, results.words)}</a>{_validity_badge(validity)}</h3>'
            f'<p class="snippet">{snippet(body or attachments, results.words)}</p>'
            f'<p class="small muted">{" · ".join(meta)}</p></li>'
        )
    return out


def _page_window(page: int, pages: int, width: int = 5) -> list[int]:
    start = max(1, page - width)
    return list(range(start, min(pages, page + width) + 1))
