"""What the annual reports' dashboard does when something happens elsewhere (connected in ReportsConfig.ready):
the month marks of the changed months move, so the next dashboard recounts them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from gongkai.reports import stats


def on_item_public_changed(sender: object, item_id: int, organ_id: int, **kwargs: Any) -> None:
    """An item's public state changed (published, revised, repealed, withdrawn): its month's counts
    are recounted on the next dashboard. The month never moves: published_at is set once."""
    from gongkai.catalogue.models import Item

    stats.items_changed(organ_id, Item.objects.filter(pk=item_id).values_list("published_at", flat=True))


def on_items_imported(sender: object, organ_id: int, **kwargs: Any) -> None:
    stats.items_changed(organ_id)


def on_applications_changed(
    sender: object, organ_id: int | None = None, months: Iterable[dt.date | None] | None = None, **kwargs: Any
) -> None:
    stats.applications_changed(organ_id, months)
