"""Recount the dashboard's application months marked current and report those that had drifted."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.reports.month_check import recount_current_months


class Command(BaseCommand):
    help = "Recount the application months the dashboard holds as current; report (and correct) any drift."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="Only these years (repeatable).")
        parser.add_argument("--fail-on-drift", action="store_true", help="Exit with an error when a month had drifted.")

    def handle(self, *args, year=None, fail_on_drift=False, **options):
        drift = recount_current_months(years=year)
        for organ_id, month in drift:
            self.stdout.write(f"drift: organ {organ_id}, {month:%Y-%m} (recounted)")
        self.stdout.write(f"{len(drift)} month(s) had drifted.")
        if drift and fail_on_drift:
            raise CommandError(f"{len(drift)} application month(s) had drifted from the register.")
