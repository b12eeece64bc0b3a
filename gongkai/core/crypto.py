"""Field-level encryption of personal data, and the blind index for lookups.

A value is stored as ``gk1$<cipher>$<key id>$<base64url>``:

- ``aes`` (default): AES-256-GCM (``cryptography``), a 12-byte random nonce,
  the ciphertext and its 16-byte tag; the field's name (``app.model.field``)
  is the associated data, so a value copied into another column fails to decrypt.
- ``sm4`` (``FIELD_ENCRYPTION_CIPHER = "sm4"``, 国密): SM4-GCM through
  ``cryptography`` (OpenSSL), laid out like AES-GCM, the key's first 16 bytes
  derived with HMAC-SHA256.
- ``sm4c``: the same choice where OpenSSL has no SM4: SM4-CBC in pure Python
  (``gmssl``) with a 16-byte random IV, then HMAC-SM3 over the header, the
  field name, the IV and the ciphertext (encrypt-then-MAC), 16 bytes kept as
  the tag. About a thousand times slower than ``sm4``.

The keyring comes from the environment (settings ``FIELD_ENCRYPTION_KEYS``,
``FIELD_ENCRYPTION_KEY_ID``): the current key encrypts, every key decrypts, so
keys are rotated by adding a new one first and running ``rotate_encryption_key``.
The blind index is HMAC-SHA256 of the normalised value under its own key
(``BLIND_INDEX_KEY``): equal values give equal indexes, which is all a lookup
needs, and the index says nothing about the value without the key.

Without keys, outside production only, both keys are derived from SECRET_KEY
under the key id ``dev`` (``Keyring.development``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

PREFIX = "gk1"
SEPARATOR = "$"
DEV_KEY_ID = "dev"
CIPHERS = {"aes-gcm": "aes", "sm4": "sm4"}


class DecryptionError(Exception):
    """A stored value that cannot be decrypted with the keys at hand."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict  # key id -> bytes (32)
    cipher: str  # "aes" or "sm4"
    blind_key: bytes
    development: bool


def _b64decode(text: str) -> bytes:
    text = text.strip()
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured("an encryption key is not valid base64") from None


def parse_keys(spec: str) -> dict:
    """``"2:base64,1:base64"`` → {"2": bytes, "1": bytes}, in the order given."""
    keys = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition(":")
        key_id = key_id.strip()
        if not sep or not key_id or not key_id.isalnum() or len(key_id) > 16:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS: each key is 'id:base64' with an id of letters and digits")
        key = _b64decode(encoded)
        if len(key) != 32:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key {key_id!r} has {len(key)} bytes, not 32")
        keys[key_id] = key
    return keys


def build_keyring(settings) -> Keyring:
    cipher = CIPHERS.get(getattr(settings, "FIELD_ENCRYPTION_CIPHER", "aes-gcm"))
    if cipher is None:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_CIPHER must be aes-gcm or sm4")
    keys = parse_keys(getattr(settings, "FIELD_ENCRYPTION_KEYS", ""))
    blind = getattr(settings, "BLIND_INDEX_KEY", "")
    production = getattr(settings, "PRODUCTION", False)
    if not keys or not blind:
        if production:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set in production")
        # Development only: keys derived from SECRET_KEY, marked with the key id "dev".
        secret = settings.SECRET_KEY.encode()
        if not keys:
            keys = {DEV_KEY_ID: hmac.new(secret, b"gongkai field encryption (development only)", hashlib.sha256).digest()}
        blind_key = _b64decode(blind) if blind else hmac.new(secret, b"gongkai blind index (development only)", hashlib.sha256).digest()
        development = True
    else:
        blind_key = _b64decode(blind)
        development = False
    if len(blind_key) < 32:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must have at least 32 bytes")
    current = getattr(settings, "FIELD_ENCRYPTION_KEY_ID", "") or next(iter(keys))
    if current not in keys:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEY_ID={current!r} is not among FIELD_ENCRYPTION_KEYS")
    return Keyring(current_id=current, keys=keys, cipher=cipher, blind_key=blind_key, development=development)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    from django.conf import settings

    return build_keyring(settings)


def reset() -> None:
    """Forget the keyring (after the settings changed, in tests)."""
    keyring.cache_clear()
    _aes.cache_clear()
    _sm4.cache_clear()


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


# --- the two ciphers ------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def native_sm4() -> bool:
    """Whether OpenSSL (through cryptography) offers SM4."""
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(12))).encryptor()
    except Exception:  # noqa: BLE001 (UnsupportedAlgorithm and kin: then gmssl)
        return False
    return True


def cipher_tag(ring: Keyring) -> str:
    """The cipher name written into new values."""
    if ring.cipher == "sm4" and not native_sm4():
        return "sm4c"
    return ring.cipher


def _sm4_gcm_encrypt(key: bytes, data: bytes, aad: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_sm4_keys(key)[0]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(data) + encryptor.finalize()
    return nonce + body + encryptor.tag


def _sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if len(blob) < 28:
        raise DecryptionError("SM4 value too short")
    decryptor = Cipher(algorithms.SM4(_sm4_keys(key)[0]), modes.GCM(blob[:12], blob[-16:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(blob[12:-16]) + decryptor.finalize()
    except InvalidTag:
        raise DecryptionError("SM4 value fails its authentication tag") from None


@lru_cache(maxsize=16)
def _aes(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    from gmssl import sm3

    block = 64
    if len(key) > block:
        key = bytes.fromhex(sm3.sm3_hash(list(key)))
    key = key.ljust(block, b"\0")
    inner = bytes.fromhex(sm3.sm3_hash(list(bytes(b ^ 0x36 for b in key) + message)))
    return bytes.fromhex(sm3.sm3_hash(list(bytes(b ^ 0x5C for b in key) + inner)))


def _sm4_keys(key: bytes) -> tuple[bytes, bytes]:
    return (hmac.new(key, b"sm4 encryption", hashlib.sha256).digest()[:16],
            hmac.new(key, b"sm4 authentication", hashlib.sha256).digest())


@lru_cache(maxsize=32)
def _sm4(key: bytes, mode: int):
    """An SM4 cipher with its key schedule done (CBC takes the IV per call)."""
    from gmssl.sm4 import CryptSM4

    crypt = CryptSM4()
    crypt.set_key(key, mode)
    return crypt


def _sm4_encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    from gmssl.sm4 import SM4_ENCRYPT

    enc_key, mac_key = _sm4_keys(key)
    iv = os.urandom(16)
    body = _sm4(enc_key, SM4_ENCRYPT).crypt_cbc(iv, plaintext)
    return iv + body + _hmac_sm3(mac_key, aad + iv + body)[:16]


def _sm4_decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    from gmssl.sm4 import SM4_DECRYPT

    enc_key, mac_key = _sm4_keys(key)
    if len(blob) < 48:
        raise DecryptionError("SM4 value too short")
    iv, body, tag = blob[:16], blob[16:-16], blob[-16:]
    if not hmac.compare_digest(tag, _hmac_sm3(mac_key, aad + iv + body)[:16]):
        raise DecryptionError("SM4 value fails its authentication tag")
    return _sm4(enc_key, SM4_DECRYPT).crypt_cbc(iv, body)


# --- values ------------------------------------------------------------------------------------------------------------

def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + SEPARATOR)


def key_id_of(value: str) -> str | None:
    if not is_encrypted(value):
        return None
    parts = value.split(SEPARATOR)
    return parts[2] if len(parts) == 4 else None


def encrypt(plaintext: str, *, context: str, ring: Keyring | None = None) -> str:
    """The stored form of ``plaintext`` for the field named ``context``."""
    ring = ring or keyring()
    key = ring.keys[ring.current_id]
    tag = cipher_tag(ring)
    header = SEPARATOR.join((PREFIX, tag, ring.current_id))
    aad = f"{header}|{context}".encode()
    data = plaintext.encode("utf-8")
    if tag == "aes":
        nonce = os.urandom(12)
        blob = nonce + _aes(key).encrypt(nonce, data, aad)
    elif tag == "sm4":
        blob = _sm4_gcm_encrypt(key, data, aad)
    else:
        blob = _sm4_encrypt(key, data, aad)
    return header + SEPARATOR + base64.urlsafe_b64encode(blob).decode().rstrip("=")


def decrypt(value: str, *, context: str, ring: Keyring | None = None) -> str:
    """The plaintext of a stored value; a value not in the stored form (a row
    written before encryption) is returned as it is."""
    if not is_encrypted(value):
        return value
    ring = ring or keyring()
    parts = value.split(SEPARATOR)
    if len(parts) != 4:
        raise DecryptionError("malformed encrypted value")
    _prefix, cipher, key_id, encoded = parts
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"no key {key_id!r} in FIELD_ENCRYPTION_KEYS to decrypt {context}")
    aad = f"{SEPARATOR.join(parts[:3])}|{context}".encode()
    try:
        blob = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed encrypted value") from None
    if cipher == "aes":
        from cryptography.exceptions import InvalidTag

        try:
            data = _aes(key).decrypt(blob[:12], blob[12:], aad)
        except (InvalidTag, ValueError):
            raise DecryptionError(f"{context}: the value fails its authentication tag") from None
    elif cipher == "sm4":
        data = _sm4_gcm_decrypt(key, blob, aad)
    elif cipher == "sm4c":
        data = _sm4_decrypt(key, blob, aad)
    else:
        raise DecryptionError(f"unknown cipher {cipher!r}")
    return data.decode("utf-8")


def normalise(value: str) -> str:
    """What the blind index sees: no spaces or dashes, upper case (an ID
    number's final x, a phone number written 138-0013-8000)."""
    return "".join(ch for ch in (value or "") if not ch.isspace() and ch not in "-()（）").upper()


def blind_index(value: str, *, purpose: str, ring: Keyring | None = None) -> str:
    """HMAC-SHA256 of the normalised value, per purpose (an ID number and a
    phone with the same digits do not match); "" for an empty value."""
    value = normalise(value)
    if not value:
        return ""
    ring = ring or keyring()
    return hmac.new(ring.blind_key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()
