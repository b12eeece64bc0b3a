"""Signals the catalogue sends so other apps (search, public-page cache) can
react without the catalogue knowing them.

``item_public_changed(sender=Item, item_id=int, organ_id=int)`` is sent on
commit whenever what the public may see of an item changes: published, a
revision published, repealed/expired, withdrawn."""

from django.dispatch import Signal

item_public_changed = Signal()
