from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gongkai.reports"
    label = "reports"
    verbose_name = _("Annual reports")

    def ready(self):
        # Celery beat runs the reminders every morning; without Celery, run
        # `manage.py annual_report_reminders` from cron (the job is idempotent).
        from celery.schedules import crontab

        from gongkai.celery import app

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "reports-annual-report-reminders",
            {"task": "gongkai.reports.tasks.send_annual_report_reminders", "schedule": crontab(hour=8, minute=0)},
        )
        app.conf.beat_schedule = schedule

        from gongkai.catalogue.signals import item_public_changed, items_imported
        from gongkai.reports import stats

        item_public_changed.connect(stats.on_item_public_changed, dispatch_uid="reports.item_months")
        items_imported.connect(stats.on_items_imported, dispatch_uid="reports.item_months_imported")

        from gongkai.applications.signals import applications_changed

        applications_changed.connect(stats.on_applications_changed, dispatch_uid="reports.application_months")
