"""Field encryption and the blind index: round trips, keys, rotation, refusal without keys in production."""

from __future__ import annotations

import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.core import crypto

KEY1, KEY2 = crypto.new_key(), crypto.new_key()
BLIND = crypto.new_key()


def ring(keys, *, current="", cipher="aes-gcm", blind=BLIND, production=True, secret="s"):
    return crypto.build_keyring(types.SimpleNamespace(
        FIELD_ENCRYPTION_KEYS=keys, FIELD_ENCRYPTION_KEY_ID=current, FIELD_ENCRYPTION_CIPHER=cipher,
        BLIND_INDEX_KEY=blind, PRODUCTION=production, SECRET_KEY=secret))


@pytest.mark.parametrize("cipher", ["aes-gcm", "sm4"])
def test_round_trip_with_a_fresh_nonce_each_time(cipher):
    keys = ring(f"k1:{KEY1}", cipher=cipher)
    one = crypto.encrypt("110105194912310021", context="a.b.c", ring=keys)
    two = crypto.encrypt("110105194912310021", context="a.b.c", ring=keys)
    assert one != two and "110105" not in one
    assert one.startswith(f"gk1${'aes' if cipher == 'aes-gcm' else 'sm4'}$k1$")  # SM4-GCM from OpenSSL
    assert crypto.decrypt(one, context="a.b.c", ring=keys) == "110105194912310021"
    assert crypto.decrypt(crypto.encrypt("某市人民路2号", context="x", ring=keys), context="x", ring=keys) == "某市人民路2号"


@pytest.mark.parametrize("cipher", ["aes-gcm", "sm4"])
def test_a_value_moved_to_another_field_or_altered_does_not_decrypt(cipher):
    keys = ring(f"k1:{KEY1}", cipher=cipher)
    value = crypto.encrypt("13812345678", context="applications.application.phone", ring=keys)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(value, context="applications.application.email", ring=keys)
    body = value.rsplit("$", 1)
    flipped = body[0] + "$" + ("A" if body[1][5] != "A" else "B").join([body[1][:5], body[1][6:]])
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, context="applications.application.phone", ring=keys)


def test_old_keys_decrypt_the_current_one_encrypts():
    old = ring(f"k1:{KEY1}")
    value = crypto.encrypt("secret", context="c", ring=old)
    new = ring(f"k2:{KEY2},k1:{KEY1}")
    assert new.current_id == "k2"
    assert crypto.decrypt(value, context="c", ring=new) == "secret"
    assert crypto.key_id_of(crypto.encrypt("secret", context="c", ring=new)) == "k2"
    without_old = ring(f"k2:{KEY2}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(value, context="c", ring=without_old)
    assert ring(f"k2:{KEY2},k1:{KEY1}", current="k1").current_id == "k1"


def test_production_refuses_to_start_without_keys():
    with pytest.raises(ImproperlyConfigured):
        ring("", blind="")
    with pytest.raises(ImproperlyConfigured):
        ring(f"k1:{KEY1}", blind="")
    with pytest.raises(ImproperlyConfigured):
        ring("k1:tooshort")
    with pytest.raises(ImproperlyConfigured):
        ring(f"k1:{KEY1}", current="k9")
    development = ring("", blind="", production=False)
    assert development.development and development.current_id == crypto.DEV_KEY_ID


def test_settings_module_refuses_production_without_keys():
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGKAI_PRODUCTION": "1", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.gov.cn",
           "FIELD_ENCRYPTION_KEYS": "", "BLIND_INDEX_KEY": "", "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True)
    assert run.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in run.stderr


def test_blind_index_is_keyed_normalised_and_per_purpose():
    keys = ring(f"k1:{KEY1}")
    a = crypto.blind_index("11010519491231002x", purpose="id_number", ring=keys)
    assert a == crypto.blind_index(" 11010519491231002X ", purpose="id_number", ring=keys)
    assert a != crypto.blind_index("11010519491231002X", purpose="phone", ring=keys)
    assert a != crypto.blind_index("11010519491231002X", purpose="id_number", ring=ring(f"k1:{KEY1}", blind=crypto.new_key()))
    assert crypto.blind_index("138-1234-5678", purpose="phone", ring=keys) == crypto.blind_index("13812345678", purpose="phone", ring=keys)
    assert crypto.blind_index("", purpose="phone", ring=keys) == ""
    assert len(a) == 64 and "1101" not in a


def test_sm4_without_openssl_support_falls_back_to_gmssl(monkeypatch):
    keys = ring(f"k1:{KEY1}", cipher="sm4")
    native = crypto.encrypt("13812345678", context="c", ring=keys)
    monkeypatch.setattr(crypto, "native_sm4", lambda: False)
    fallback = crypto.encrypt("13812345678", context="c", ring=keys)
    assert fallback.startswith("gk1$sm4c$k1$")
    assert crypto.decrypt(fallback, context="c", ring=keys) == "13812345678"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(fallback, context="other", ring=keys)
    monkeypatch.undo()
    assert crypto.decrypt(native, context="c", ring=keys) == crypto.decrypt(fallback, context="c", ring=keys)
