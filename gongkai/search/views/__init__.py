"""The search's screens (face convention: ``public`` for the portal)."""
