"""What the annual reports' dashboard does when something happens elsewhere (connected in ReportsConfig.ready):
the month marks of the changed months move, so the next dashboard recounts them."""

from __future__ import annotations

from gongkai.reports import stats


def on_item_public_changed(sender, item_id, organ_id, **kwargs) -> None:
    """An item's public state changed (published, revised, repealed, withdrawn): its month's counts
    are recounted on the next dashboard. The month never moves: published_at is set once."""
    from gongkai.catalogue.models import Item

    stats.items_changed(organ_id, Item.objects.filter(pk=item_id).values_list("published_at", flat=True))


def on_items_imported(sender, organ_id, **kwargs) -> None:
    stats.items_changed(organ_id)


def on_applications_changed(sender, organ_id=None, months=None, **kwargs) -> None:
    stats.applications_changed(organ_id, months)
