"""sitemap.xml: the column pages of every organ and every public item
(split into pages of 50,000 URLs by Django's sitemap index)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from gongkai.catalogue.models import Item
from gongkai.portal import selectors


class ColumnSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            (organ.slug, name)
            for organ in selectors.public_organs().order_by("path")
            for name in ("portal:column", "portal:guide", "portal:catalogue")
        ]

    def location(self, entry):
        slug, name = entry
        return reverse(name, args=[slug])


class ItemSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 50_000

    def items(self):
        return Item.objects.published().select_related("organ").only("id", "updated_at", "organ__slug").order_by("pk")

    def location(self, item):
        return reverse("portal:item", args=[item.organ.slug, item.pk])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"columns": ColumnSitemap, "items": ItemSitemap}
