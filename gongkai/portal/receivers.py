"""What the public pages' cache does when something happens elsewhere (connected in PortalConfig.ready)."""

from __future__ import annotations


def invalidate_item_pages(sender, item_id, organ_id=None, **kwargs):
    """An item changed for the public: refresh its organ's column, the
    portals above it, the columns of the documents it interprets or that
    interpret it, and the platform-wide feeds and sitemap."""
    from gongkai.catalogue.models import Item
    from gongkai.organs.models import Organ
    from gongkai.portal import cache as page_cache

    organ_ids = {organ_id} if organ_id else set()
    names = {"items", page_cache.item_key(item_id)}
    item = Item.objects.filter(pk=item_id).first()
    if item is not None:
        organ_ids.add(item.organ_id)
        for partners in (item.interprets, item.interpretations):
            for partner_id, partner_organ in partners.values_list("pk", "organ_id"):
                organ_ids.add(partner_organ)
                names.add(page_cache.item_key(partner_id))
    above: set[int] = set()
    for path in Organ.objects.filter(pk__in=organ_ids).values_list("path", flat=True):
        above.update(int(part) for part in path.strip(".").split(".") if part)
    for pk, slug in Organ.objects.filter(pk__in=above).values_list("pk", "slug"):
        names.update((page_cache.organ_key(pk), page_cache.column_key(slug)))
    page_cache.bump(*sorted(names))


def invalidate_everything(sender, instance=None, **kwargs):
    """Organs, topics or categories appear on every page."""
    from django.core.cache import cache

    from gongkai.organs.models import Organ
    from gongkai.portal import cache as page_cache

    if isinstance(instance, Organ):
        cache.delete(f"portal:slug:{instance.slug}")
    page_cache.bump("conf")


def invalidate_column_pages(sender, organ_id, slug, **kwargs):
    """An organ edited its own column pages (rules, organisation, leaders): refresh its column."""
    from gongkai.portal import cache as page_cache

    page_cache.bump(page_cache.organ_key(organ_id), page_cache.column_key(slug))
