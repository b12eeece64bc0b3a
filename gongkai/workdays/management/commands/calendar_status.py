from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.workdays import calendar


class Command(BaseCommand):
    help = "Show which years have a holiday schedule and warn about upcoming years without one (exit code 1 if any)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--horizon", type=int, default=1, help="Years ahead to check (default 1: this year and next).")

    def handle(self, *args: Any, horizon: int, **options: Any) -> None:
        current = calendar.current()
        self.stdout.write(f"chinesecalendar: {min(calendar.PACKAGE_YEARS)}–{max(calendar.PACKAGE_YEARS)}")
        for year, source in sorted(current.loaded_years.items()):
            self.stdout.write(f"{year}: {source}")
        missing = calendar.missing_years(horizon)
        if missing:
            self.stderr.write("WARNING: no holiday schedule for " + ", ".join(map(str, missing)) + " (deadlines there are provisional)")
            raise SystemExit(1)
        self.stdout.write("OK")
