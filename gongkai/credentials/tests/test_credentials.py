"""API keys: issued once and kept as a digest, replaced and revoked on the record, one purpose each, one
authentication for every part of the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from gongkai.applications.tests.factories import person_data
from gongkai.catalogue.tests.factories import Office
from gongkai.core.models import AuditEvent
from gongkai.credentials.models import Credential, Purpose, hash_key
from gongkai.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office():
    return Office()


def oa_key(office) -> tuple[Credential, str]:
    return Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=office.organ, user=office.webadmin)


def channel_key(office) -> tuple[Credential, str]:
    return Credential.issue(name="微信公众号", purpose=Purpose.APPLICATION_CHANNEL, organs=[office.organ])


def pushed_item(key: str, *, keyword: str = "Token"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return api.get("/api/oa/items/999999/")  # 404 once the key is accepted, 401 when it is not


def filed(key: str, office, *, keyword: str = "Channel"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return api.post(reverse("api:applications_api:create"), {"organ": office.organ.slug, **person_data()}, format="json")


def test_only_the_digest_of_a_key_is_stored(office):
    credential, key = oa_key(office)
    stored = Credential.objects.get(pk=credential.pk)
    assert stored.key_hash == hash_key(key) and key not in {stored.key_hash, stored.key_prefix, stored.name}
    assert key.startswith(stored.key_prefix)


def test_issuing_a_key_is_in_the_audit_trail(office):
    credential, _key = oa_key(office)
    assert AuditEvent.objects.filter(action="api.client_issued", target_id=str(credential.pk)).exists()


def test_a_key_is_accepted_and_its_use_stamped(office):
    credential, key = oa_key(office)
    assert pushed_item(key).status_code == 404
    credential.refresh_from_db()
    assert credential.last_used_at is not None


def test_a_channel_key_is_accepted_after_either_keyword(office):
    _credential, key = channel_key(office)
    assert filed(key, office, keyword="Channel").status_code == 201
    assert filed(key, office, keyword="Token").status_code == 201


def test_a_key_of_another_purpose_is_refused(office):
    _oa, oa = oa_key(office)
    _channel, channel = channel_key(office)
    assert pushed_item(channel).status_code == 401
    assert pushed_item(channel, keyword="Channel").status_code == 401
    assert filed(oa, office).status_code == 401
    assert filed(oa, office, keyword="Token").status_code == 401


def test_a_replaced_key_stops_working_and_the_new_one_works(office):
    credential, old = oa_key(office)
    new = credential.rotate(by=office.webadmin, reason="OA 系统升级")
    assert pushed_item(old).status_code == 401
    assert pushed_item(new).status_code == 404
    event = AuditEvent.objects.get(action="api.client_rotated", target_id=str(credential.pk))
    assert event.reason == "OA 系统升级" and event.actor_id == office.webadmin.pk


def test_a_revoked_key_cannot_be_replaced(office):
    credential, _key = oa_key(office)
    credential.revoke(by=office.webadmin, reason="停用")
    with pytest.raises(ValueError):
        credential.rotate(by=office.webadmin)


def test_revoking_records_who_when_and_why(office):
    credential, key = channel_key(office)
    credential.revoke(by=office.webadmin, reason="渠道停用")
    credential.refresh_from_db()
    assert (credential.revoked_by, credential.revoked_reason) == (office.webadmin, "渠道停用")
    assert credential.revoked_at is not None and not credential.is_active
    assert AuditEvent.objects.filter(action="api.client_revoked", target_id=str(credential.pk), reason="渠道停用").exists()
    assert filed(key, office).status_code == 401


def test_a_key_whose_person_left_is_refused(office):
    person = UserFactory()
    _credential, key = Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=office.organ, user=person)
    person.is_active = False
    person.save()
    assert pushed_item(key).status_code == 401


def test_an_oa_push_key_needs_an_organ_and_a_person():
    with pytest.raises(ValidationError) as refused:
        Credential(name="OA", purpose=Purpose.OA_PUSH).full_clean(exclude=["key_prefix", "key_hash"])
    assert {"organ", "user"} <= set(refused.value.message_dict)


def test_a_channel_acts_only_for_the_organs_it_lists(office):
    other = Office()
    credential, _key = channel_key(office)
    everywhere, _key = Credential.issue(name="12345", purpose=Purpose.APPLICATION_CHANNEL, all_organs=True)
    assert credential.may_act_for(office.organ) and not credential.may_act_for(other.organ)
    assert everywhere.may_act_for(other.organ) and not everywhere.may_act_for(None)


def test_a_channel_name_is_unique_among_channels(office):
    channel_key(office)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        channel_key(office)
    Credential.issue(name="微信公众号", purpose=Purpose.OA_PUSH, organ=office.organ, user=office.webadmin)  # an OA key may share it


def test_the_admin_shows_a_new_key_once_and_keeps_only_its_digest(client, office, django_user_model):
    admin = django_user_model.objects.create_superuser("keys-admin", "k@example.org", "pw-keys-admin-1")
    client.force_login(admin)
    response = client.post(reverse("admin:credentials_credential_add"), {
        "name": "市工信局 OA", "purpose": Purpose.OA_PUSH, "organ": office.organ.pk, "user": office.webadmin.pk,
    }, follow=True)
    credential = Credential.objects.get(name="市工信局 OA")
    shown = [str(m) for m in response.context["messages"]]
    key = next(word for m in shown for word in m.split() if word.startswith("gk_"))
    assert hash_key(key) == credential.key_hash and credential.created_by == admin
    assert pushed_item(key).status_code == 404


def test_the_admin_replaces_a_key_on_the_record(client, office, django_user_model):
    admin = django_user_model.objects.create_superuser("keys-admin", "k@example.org", "pw-keys-admin-1")
    client.force_login(admin)
    credential, old = oa_key(office)
    client.post(reverse("admin:credentials_credential_changelist"), {"action": "rotate", "_selected_action": [credential.pk]})
    assert pushed_item(old).status_code == 401
    assert AuditEvent.objects.filter(action="api.client_rotated", target_id=str(credential.pk), actor=admin).exists()
