from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    label = "portal"
    verbose_name = _("Public disclosure column")

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_save

        from gongkai.catalogue.models import Category, Topic
        from gongkai.catalogue.signals import item_public_changed
        from gongkai.organs.models import Organ
        from gongkai.portal import cache as page_cache

        request_started.connect(page_cache.start_request, dispatch_uid="portal.versions.start")
        request_finished.connect(page_cache.end_request, dispatch_uid="portal.versions.end")
        item_public_changed.connect(invalidate_item_pages, dispatch_uid="portal.invalidate_item_pages")
        for model in (Organ, Topic, Category):
            post_save.connect(invalidate_everything, sender=model, dispatch_uid=f"portal.invalidate.{model.__name__}")


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
