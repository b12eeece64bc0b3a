"""RSS 2.0 and Atom feeds of a column (and of the whole platform)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Item
from gongkai.portal import selectors

FEED_SIZE = 30


class ColumnFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, organ_slug=None):
        if organ_slug is None:
            return None
        return get_object_or_404(selectors.public_organs(), slug=organ_slug)

    def title(self, organ):
        name = organ.name if organ else settings.SITE_NAME
        return _("%(name)s: government information disclosure") % {"name": name}

    def link(self, organ):
        return reverse("portal:column", args=[organ.slug]) if organ else reverse("portal:home")

    def description(self, organ):
        return _("The latest government information published by %(name)s.") % {
            "name": organ.name if organ else settings.SITE_NAME
        }

    def items(self, organ):
        qs = selectors.column_items(organ) if organ else Item.objects.published()
        return qs.select_related("organ", "category").order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.body_text[:300]

    def item_link(self, item):
        return reverse("portal:item", args=[item.organ.slug, item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.organ.name

    def item_categories(self, item):
        return [item.category.name]

    def item_guid(self, item):
        return item.index_number or str(item.pk)

    item_guid_is_permalink = False


class ColumnAtomFeed(ColumnFeed):
    feed_type = Atom1Feed

    def item_guid(self, item):
        # An Atom id must be an IRI; without a guid Django derives a tag: URI from the link and date.
        return None

    def subtitle(self, organ):
        return self.description(organ)
