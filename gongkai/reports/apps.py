from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "gongkai.reports"
    label = "reports"

    def ready(self):
        from gongkai.catalogue.signals import item_public_changed, items_imported
        from gongkai.reports import stats

        item_public_changed.connect(stats.on_item_public_changed, dispatch_uid="reports.item_months")
        items_imported.connect(stats.on_items_imported, dispatch_uid="reports.item_months_imported")
