"""Benchmark: deadline arithmetic of gongkai.workdays (no database).

    .venv/bin/python bench/calendar_deadlines.py [N]

Prints microseconds per 20-working-day deadline, with and without an excluded
period, on the package calendar. Recomputing every running deadline after a
calendar change costs about N × this (plus the database writes).
"""

import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from gongkai.workdays.calendar import Period, WorkCalendar  # noqa: E402


def main(n: int = 100_000) -> None:
    calendar = WorkCalendar()
    started = time.perf_counter()
    calendar._table()
    print(f"snapshot table built in {(time.perf_counter() - started) * 1000:.0f} ms")
    start = dt.date(2024, 1, 1)
    consultation = [Period(dt.date(2024, 9, 20), dt.date(2024, 10, 15), "third party")]
    for label, excluded in (("no excluded period", []), ("one excluded period", consultation)):
        started = time.perf_counter()
        for i in range(n):
            calendar.add_working_days(start + dt.timedelta(days=i % 700), 20, excluded)
        elapsed = time.perf_counter() - started
        print(f"{label}: {elapsed / n * 1e6:.1f} µs per deadline ({n / elapsed:,.0f}/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
