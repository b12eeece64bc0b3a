"""Security headers on every answer, cookie flags, and ``check --deploy`` clean with production settings."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db


def test_every_answer_carries_the_security_headers(client):
    response = client.get("/accounts/login/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, django_user_model):
    from gongkai.factories import UserFactory
    from gongkai.testing import PASSWORD

    user = UserFactory()
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        GONGKAI_PRODUCTION="1", SECRET_KEY="x" * 30 + "-production-like-secret-key-for-the-test-0123456789",
        ALLOWED_HOSTS="gk.example.gov.cn", GONGKAI_VAR_DIR=str(tmp_path), PYTHONDONTWRITEBYTECODE="1",
        FIELD_ENCRYPTION_KEYS="k1:" + base64.urlsafe_b64encode(b"k" * 32).decode(),
        BLIND_INDEX_KEY=base64.urlsafe_b64encode(b"b" * 32).decode(), **extra,
    )
    return env


def _run(tmp_path, *args, **extra):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=_production_env(tmp_path, **extra), capture_output=True, text=True, timeout=300
    )


def test_check_deploy_with_production_settings_has_no_warnings(tmp_path):
    done = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_is_clean_when_tls_ends_at_a_proxy_that_redirects(tmp_path):
    done = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0")
    assert done.returncode == 0, done.stderr + done.stdout


def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    script = (
        "from django.conf import settings\n"
        "from django.test import Client, override_settings\n"
        "override_settings(STORAGES={**settings.STORAGES, 'staticfiles': {'BACKEND': "
        "'django.contrib.staticfiles.storage.StaticFilesStorage'}}).enable()\n"  # no collectstatic manifest here
        "c = Client()\n"
        "plain = c.get('/accounts/login/', HTTP_HOST='gk.example.gov.cn')\n"
        "tls = c.get('/accounts/login/', HTTP_HOST='gk.example.gov.cn', HTTP_X_FORWARDED_PROTO='https')\n"
        "print(plain.status_code, plain.get('Location'))\n"
        "print(tls.get('Strict-Transport-Security'))\n"
        "print(tls.cookies['csrftoken']['secure'])\n"
    )
    done = _run(tmp_path, "shell", "-c", script)
    lines = done.stdout.splitlines()[-3:]
    assert done.returncode == 0, done.stderr
    assert lines[0] == "301 https://gk.example.gov.cn/accounts/login/"
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "True"
