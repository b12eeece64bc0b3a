"""Daily job: from 1 January remind each organ to publish last year's annual
report; after 31 January flag unpublished reports to the supervising office.
Idempotent (claims by conditional UPDATE): run it as often as you like, e.g.
from cron or Celery beat: ``manage.py annual_report_reminders``."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from gongkai.reports.services import send_reminders


class Command(BaseCommand):
    help = "Remind organs to publish last year's annual report and flag late ones to the supervising office."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD), for testing.")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today must be a date like 2026-01-02")
        counts = send_reminders(day)
        self.stdout.write(f"reminded {counts['reminded']}, flagged late {counts['flagged']}")
