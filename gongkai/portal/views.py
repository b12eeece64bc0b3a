"""The public disclosure column (政府信息公开专栏): landing page, each organ's
column home, guide (指南), catalogue (目录), item pages, search, feeds and
sitemap. Thin: queries live in ``selectors``, search in ``gongkai.search``;
rendered pages are cached for anonymous visitors (``cache``)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Topic, Validity
from gongkai.core.htmlrows import Row
from gongkai.core.params import MAX_ID, parse_int
from gongkai.organs.models import Organ, OrganKind
from gongkai.portal import cache as page_cache
from gongkai.portal import selectors

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

    return settings.SITE_NAME


def base_context(request, organ: Organ | None, section: str) -> dict:
    return {"organ": organ, "section": section, "government": organ.portal_government if organ else None}


# --- landing page: the latest across organs, the entry points, the columns -----------------------------------------------------------------


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
        items = selectors.list_items(selectors.platform_items())
        context = {
            "tree": tree,
            "others": others,
            "latest": list(items[:10]),
            "policies": list(items.filter(category__is_policy=True)[:6]),
            "interpretations": list(items.filter(category__is_interpretation=True)[:6]),
            "meta": site_meta(request, None, _("Home")),
            "section": "home",
        }
        return render(request, "portal/home.html", context)

    # The latest items of every organ: refreshed by any publish (``items``).
    return page_cache.cached_page(request, ["items"], render_page)


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


VALIDITY_BADGE = Row(' <span class="badge bad">{label}</span>')
NO_BADGE, NO_TIME = SafeString(""), SafeString('<time datetime=""></time>')


def validity_badge(validity: str) -> SafeString:
    """`` <span class="badge bad">废止</span>`` for an item no longer in force, else nothing."""
    if validity == Validity.IN_FORCE:
        return NO_BADGE
    return VALIDITY_BADGE(label=dict(Validity.choices).get(validity, validity))


def time_element(published) -> SafeString:
    """``<time>`` of a publication moment, in local time: ISO 8601 and the day shown."""
    if not published:
        return NO_TIME
    local = timezone.localtime(published)
    # digits, "-", ":", "+" and "T" only: markup as it is, no escaping to do in every row
    return SafeString(f'<time datetime="{local.isoformat()}">{local:%Y-%m-%d}</time>')


def last_page_address(request, last: int) -> str:
    """This list's address on its last page, every other parameter kept."""
    from urllib.parse import urlencode

    return f"{request.path}?{urlencode({**request.GET.dict(), 'page': last})}"


def _query_without_page(request, values: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in values.items() if v not in (None, "")})
