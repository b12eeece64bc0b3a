"""Build the demo city as it is on a fixed day, so the recall query set's expected items exist.

    DATABASE_URL=sqlite:////tmp/recall-demo.sqlite3 .venv/bin/python bench/search/pinned_demo.py [--date 2026-12-07]

The demo (``load_demo``, seed 2026, 300 items) is dated relative to the day it is built: built on another day its
dates move, and with them the years in titles, 文号 and 索引号 (serials are counted per year). The expected items
of ``recall_queries.tsv`` are index numbers of the demo built on 2026-12-07 (Asia/Shanghai); this script runs
``migrate`` and ``load_demo`` with Django's clock (``django.utils.timezone.now``, which ``localdate`` reads)
starting at noon of that day, so any later build gives the same items. The database must be empty.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent.parent
DAY = "2026-12-07"  # the day recall_queries.tsv was written against


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", default=DAY, help=f"the day to build the demo as of (default {DAY})")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    day = dt.date.fromisoformat(args.date)
    start = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(dt.UTC)
    began = time.monotonic()

    def pinned_now() -> dt.datetime:
        return start + dt.timedelta(seconds=time.monotonic() - began)

    with mock.patch.object(timezone, "now", pinned_now):
        call_command("migrate", verbosity=0)
        call_command("load_demo")


if __name__ == "__main__":
    main()
