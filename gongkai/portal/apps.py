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
        from gongkai.organs.signals import column_changed
        from gongkai.portal import cache as page_cache
        from gongkai.portal import receivers

        request_started.connect(page_cache.start_request, dispatch_uid="portal.versions.start")
        request_finished.connect(page_cache.end_request, dispatch_uid="portal.versions.end")
        column_changed.connect(receivers.invalidate_column_pages, dispatch_uid="portal.invalidate_column_pages")
        item_public_changed.connect(receivers.invalidate_item_pages, dispatch_uid="portal.invalidate_item_pages")
        for model in (Organ, Topic, Category):
            post_save.connect(receivers.invalidate_everything, sender=model, dispatch_uid=f"portal.invalidate.{model.__name__}")
