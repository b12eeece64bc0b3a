"""What core does when something happens (connected in CoreConfig.ready)."""

from __future__ import annotations

KEY_SETTINGS = {"FIELD_ENCRYPTION_KEYS", "FIELD_ENCRYPTION_KEY_ID", "FIELD_ENCRYPTION_CIPHER", "BLIND_INDEX_KEY", "SECRET_KEY"}


def keys_changed(*, setting, **kwargs) -> None:
    """A test or a command changed an encryption key: the keyring is read again."""
    if setting in KEY_SETTINGS:
        from gongkai.core import crypto

        crypto.reset()
