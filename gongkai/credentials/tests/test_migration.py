"""The OA clients and intake channels of before become Credentials: every key a client holds keeps working, and
applications filed through a channel still point to it."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

BEFORE = [("api", "0002_alter_apiclient_created_by_alter_apiclient_key_hash"),
          ("applications", "0011_caseletter_number"), ("credentials", None)]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_keys_keep_working_after_the_move():
    executor = MigrationExecutor(connection)
    old = executor.migrate(BEFORE).apps
    Organ, User = old.get_model("organs", "Organ"), old.get_model("accounts", "User")
    organ = Organ.objects.create(name="迁移测试局", slug="gxj-moved", code="MOVED", path="moved/")
    person = User.objects.create(username="oa-moved", is_active=True)
    ApiClient = old.get_model("api", "ApiClient")
    ApiChannel = old.get_model("applications", "ApiChannel")
    oa_key, channel_key = "gk_the-oa-key-a-client-holds", "abcd1234.the-channel-key"
    ApiClient.objects.create(name="OA", organ=organ, user=person, key_prefix=oa_key[:10], key_hash=_digest(oa_key))
    revoked = ApiClient.objects.create(name="旧 OA", organ=organ, user=person, key_prefix="gk_old", key_hash=_digest("gk_old"))
    ApiClient.objects.filter(pk=revoked.pk).update(revoked_at="2026-01-01T00:00:00Z", revoked_reason="换新")
    channel = ApiChannel.objects.create(name="微信公众号", key_prefix="abcd1234", key_hash=_digest(channel_key))
    channel.organs.add(organ)
    Application = old.get_model("applications", "Application")
    filed = Application.objects.create(organ=organ, tracking_number="MOVED-1", channel="api", api_channel=channel,
                                       applicant_type="natural_person", status="awaiting_confirmation")
    ApiChannel.objects.create(name="微博", key_prefix="nokey000", key_hash="!")  # never given a key
    ApiChannel.objects.create(name="停用渠道", key_prefix="off00000", key_hash=_digest("off"), is_active=False)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from gongkai.credentials.models import Credential, Purpose

    moved = {c.name: c for c in Credential.objects.all()}
    assert moved["OA"].purpose == Purpose.OA_PUSH and moved["OA"].organ.slug == "gxj-moved"
    assert moved["OA"].moved_from.startswith("api.apiclient:")
    assert moved["旧 OA"].revoked_reason == "换新" and not moved["旧 OA"].is_active
    assert moved["微信公众号"].purpose == Purpose.APPLICATION_CHANNEL
    assert list(moved["微信公众号"].organs.values_list("slug", flat=True)) == ["gxj-moved"]
    from gongkai.applications.models import Application as Now

    assert Now.objects.get(pk=filed.pk).api_channel == moved["微信公众号"]
    assert not moved["停用渠道"].is_active and moved["微博"].is_active
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Channel {channel_key}")
    assert api.get("/api/applications/NO-SUCH-1/").status_code == 404  # the key is accepted; nothing to show
    api.credentials(HTTP_AUTHORIZATION="Channel !")
    assert api.get("/api/applications/NO-SUCH-1/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {oa_key}")
    assert api.get("/api/oa/items/999999/").status_code == 404
