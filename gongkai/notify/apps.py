from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "gongkai.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self):
        # Celery beat sweeps due and failed notifications every minute.
        from gongkai.celery import app

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "notify-send-pending", {"task": "gongkai.notify.tasks.send_pending_notifications", "schedule": 60.0}
        )
        app.conf.beat_schedule = schedule
