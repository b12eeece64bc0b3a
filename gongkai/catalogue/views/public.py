"""The catalogue's public screens in the disclosure column (政府信息公开专栏): the catalogue (目录) of an organ,
an item's page and its attachments. The layout, the page cache and the column look-ups are the portal's (the shell);
these views read the catalogue through ``portal.selectors`` and render."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Attachment, Item, StatutoryGroup
from gongkai.core.files import serve
from gongkai.core.htmlrows import Row, join
from gongkai.core.params import MAX_ID

# The shell's page cache, column look-ups and page helpers (the portal owns the layout).
from gongkai.portal import cache as page_cache
from gongkai.portal import selectors
from gongkai.portal.facets import catalogue_facets
from gongkai.portal.views import (
    MAX_YEAR,
    MIN_YEAR,
    PER_PAGE,
    _query_without_page,
    base_context,
    for_rows,
    int_param,
    item_path,
    last_page_address,
    organ_or_404,
    page_param,
    site_meta,
    slug_names,
    time_element,
    validity_badge,
)


def catalogue(request, organ_slug):
    """政府信息公开目录, browsable by topic, category and year."""

    def render_page():
        organ = organ_or_404(organ_slug)
        all_topics = selectors.topics()
        all_categories = selectors.categories()
        topic_id = int_param(request, "topic")
        topic = next((t for t in all_topics if t.pk == topic_id), None)
        category_id = int_param(request, "category")
        category = next((c for c in all_categories if c.pk == category_id), None)
        year = int_param(request, "year", MIN_YEAR, MAX_YEAR)

        qs = selectors.column_items(organ)
        if topic:
            qs = qs.filter(topic_id__in=selectors.topic_with_descendants(topic.pk))
        if category:
            qs = qs.filter(category=category)
        if year:
            qs = qs.filter(published_at__year=year)
        label = f"catalogue:{organ.pk}:{topic and topic.pk}:{category and category.pk}:{year}"
        total = selectors.cached_count(qs, organ, label)
        paginator = Paginator(selectors.list_rows(qs), PER_PAGE)
        paginator.count = total  # cached: no COUNT(*) on every page view
        number = page_param(request)
        try:
            page = paginator.page(number)
        except EmptyPage:  # a page past the end (an old link, a shorter list): the last page
            return redirect(last_page_address(request, paginator.num_pages))
        context = base_context(request, organ, "catalogue")
        context.update(
            page=page,
            rows_html=_catalogue_rows(page.object_list),
            total=total,
            facets=catalogue_facets(
                topics=all_topics,
                categories=all_categories,
                years=selectors.column_years(organ),
                topic=topic,
                category=category,
                year=year,
            ),
            topic=topic,
            category=category,
            year=year,
            query_base=_query_without_page(
                request, {"topic": topic and topic.pk, "category": category and category.pk, "year": year}
            ),
            meta=site_meta(request, organ, _("Government information disclosure catalogue")),
        )
        return render(request, "portal/catalogue.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


STATUTORY_LATEST = 5
_NUMERALS = "一二三四五六七八九十"


def _article_item(number: int) -> str:
    """(一) … (十五) in Chinese, (1) … (15) otherwise: how Art. 20's items are cited."""
    if not (get_language() or "").startswith("zh"):
        return f"({number})"
    words = _NUMERALS[number - 1] if number <= 10 else "十" + _NUMERALS[number - 11]
    return f"（{words}）"


def statutory(request, organ_slug):
    """法定主动公开内容: the organ's published items by the kinds of information Art. 20 lists, each kind
    with its categories (``Category.statutory_group``) and their latest items."""

    def render_page():
        organ = organ_or_404(organ_slug)
        items = selectors.column_items(organ)
        by_group: dict[str, list] = {}
        for category in selectors.categories():
            if category.statutory_group:
                latest = for_rows(selectors.list_items(items.filter(category=category))[:STATUTORY_LATEST])
                by_group.setdefault(category.statutory_group, []).append((category, latest))
        groups = [
            {"key": key, "label": label, "article": _article_item(number), "categories": by_group.get(key, [])}
            for number, (key, label) in enumerate(StatutoryGroup.choices, start=1)
            if key in by_group or key == StatutoryGroup.ORGANISATION
        ]
        context = base_context(request, organ, "statutory")
        context.update(groups=groups, meta=site_meta(request, organ, _("Statutory proactive disclosure")))
        return render(request, "portal/statutory.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


CATALOGUE_ROW = Row(
    '<tr><td><a href="{url}">{title}</a>{badge}<div class="small muted">{index_number} · {organ} · {category}</div></td>'
    "<td>{number}</td><td>{published}</td></tr>"
)


def _catalogue_rows(rows) -> SafeString:
    """The catalogue's ``<tr>``s, built from plain values through ``core.htmlrows`` (as the search hits are): 20 rows
    of eight values each, node by node in the template, were a third of a list page's first view."""
    organs = selectors.organ_labels()
    categories = {c.pk: c.name for c in selectors.all_categories()}
    out = []
    for pk, title, validity, index_number, number, published, organ_id, category_id in rows:
        slug, _name, organ_name = organs.get(organ_id, ("", "", ""))
        out.append(CATALOGUE_ROW(
            url=item_path(slug, pk), title=title, badge=validity_badge(validity), index_number=index_number,
            organ=organ_name, category=categories.get(category_id, ""), number=number or "—", published=time_element(published),
        ))
    return join(out)


def item_detail(request, organ_slug, pk):
    def render_page():
        organ = organ_or_404(organ_slug)
        item = get_object_or_404(
            Item.objects.published().select_related("organ", "topic", "topic__parent", "category", "department"),
            pk=pk,
            organ=organ,
        )
        interpretations, interprets = selectors.interpretation_partners(item)
        context = base_context(request, organ, "catalogue")
        context.update(
            item=item,
            attachments=list(item.attachments.filter(is_current=True)),
            interpretations=interpretations,
            interprets=interprets,
            meta=site_meta(
                request,
                organ,
                item.category.name,
                ArticleTitle=item.title,
                PubDate=timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M") if item.published_at else "",
                ContentSource=item.organ.name,
                Keywords=item.keywords,
                Description=(item.summary or item.body_text[:120]).strip(),
            ),
        )
        return render(request, "portal/item.html", context)

    # Keyed on the item (and its interpretation partners, bumped with it) and
    # ``conf``, not on the organ: a publish elsewhere in the organ leaves it warm.
    return page_cache.cached_page(request, [page_cache.item_key(int(pk))], render_page, page_cache.ITEM_PAGE_SECONDS)


def attachment(request, pk):
    """An attachment of a published item, to anyone, decided on every request (never from the page
    cache): the moment the item is withdrawn, or the attachment taken off it, the file is gone here."""
    found = Attachment.objects.select_related("item").filter(pk=pk).first() if int(pk) <= MAX_ID else None
    if found is None or not found.is_public or not found.is_clean:
        raise Http404
    return serve(request, found.file, filename=found.name, private=False, inline=True)
