"""An organ's own pages in its public disclosure column (政府信息公开专栏): 政府信息公开制度 (its disclosure
rules), 机构信息 (functions, address, hours, contacts, internal bodies) and 领导信息 (leaders). The layout and
the page cache are the portal's; the pages are refreshed when the organ edits them (``signals.column_changed``)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _

from gongkai.organs import column
from gongkai.organs.models import ColumnTextKind

# The shell's page cache and column helpers (the portal owns the layout).
from gongkai.portal import cache as page_cache
from gongkai.portal.views import base_context, organ_or_404, site_meta, slug_names


def rules(request, organ_slug):
    """政府信息公开制度: the rules the organ works by, as it wrote them."""

    def render_page():
        organ = organ_or_404(organ_slug)
        context = base_context(request, organ, "rules")
        context.update(
            text=column.current_text(organ, ColumnTextKind.RULES),
            meta=site_meta(request, organ, _("Disclosure rules")),
        )
        return render(request, "organs/rules.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


def organisation(request, organ_slug):
    """机构信息: functions, office, address, hours, contacts and the internal bodies with their duties."""

    def render_page():
        organ = organ_or_404(organ_slug)
        departments = list(organ.departments.filter(is_active=True).order_by("is_unit", "name"))
        context = base_context(request, organ, "organisation")
        context.update(
            bodies=[d for d in departments if not d.is_unit],
            units=[d for d in departments if d.is_unit],
            meta=site_meta(request, organ, _("Organisation information"), Description=organ.functions[:120]),
        )
        return render(request, "organs/organisation.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


def leaders(request, organ_slug):
    """领导信息: the organ's leaders, their posts and what each is responsible for."""

    def render_page():
        organ = organ_or_404(organ_slug)
        context = base_context(request, organ, "leaders")
        context.update(
            leaders=list(organ.leaders.shown().order_by("sort", "pk")),
            meta=site_meta(request, organ, _("Leadership")),
        )
        return render(request, "organs/leaders.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)
