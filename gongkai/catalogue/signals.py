"""Signals the catalogue sends so other apps (search, public-page cache) can
react without the catalogue knowing them.

``item_public_changed(sender=Item, item_id=int, organ_id=int)`` is sent on
commit whenever what the public may see of an item changes: published, a
revision published, repealed/expired, withdrawn.

``items_imported(sender=Item, organ_id=int, first_id=int, last_id=int, index=bool)`` is sent on
commit after an import of an existing catalogue (``catalogue.importing``) wrote
published items without going through publishing one by one; ``index`` False asks the
search index to leave them out (benchmarks, tests)."""

from django.dispatch import Signal

item_public_changed = Signal()
items_imported = Signal()
