"""Celery application. With no broker configured, tasks run in-process (eager),
so the embedded SQLite setup needs no server; see gongkai.core.tasks.enqueue."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

app = Celery("gongkai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
