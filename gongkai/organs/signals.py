"""Signals the organs app sends so other apps (the public-page cache) can react without organs knowing them.

``column_changed(sender=Organ, organ_id=int, slug=str)`` is sent on commit whenever an organ's own pages of its
disclosure column change: its disclosure rules, its organisation page (profile, internal bodies) or its leaders."""

from django.dispatch import Signal

column_changed = Signal()
