"""Periodic job (cron or Celery beat, e.g. every hour): deadline reminders,
overdue escalation, corrections and fees not received in time. Idempotent:
each reminder is claimed once (ReminderSent unique row), so reruns and two
workers at once send nothing twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongkai.applications.deadlines import check_deadlines


class Command(BaseCommand):
    help = "Send deadline reminders, escalate overdue applications, close lapsed corrections and unpaid fees."

    def handle(self, *args, **options):
        summary = check_deadlines()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in summary.items()))
