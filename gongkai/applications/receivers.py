"""What the applications app does when something happens elsewhere (connected in ApplicationsConfig.ready).

When an administrator loads or corrects a year of the working-day calendar, running deadlines are
recomputed (in a background job, each change audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any


def recompute_after_calendar_change(sender: object, years: Iterable[int] | None = None, dates: Iterable[dt.date] | None = None,
                                    reason: str = "", **kwargs: Any) -> None:
    from gongkai.applications.tasks import recompute_deadlines
    from gongkai.core.tasks import enqueue

    enqueue(
        recompute_deadlines,
        sorted(int(y) for y in years) if years else None,
        f"calendar_changed: {reason}"[:200] if reason else "calendar_changed",
        [d.isoformat() for d in sorted(dates)] if dates else None,
    )

