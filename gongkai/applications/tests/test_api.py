"""The intake API for other channels (per-channel keys)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.applications.models import Application, Status
from gongkai.applications.tests.factories import person_data
from gongkai.credentials.models import Credential, Purpose
from gongkai.factories import OrganFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(organ):
    return Credential.issue(name="微信公众号", purpose=Purpose.APPLICATION_CHANNEL, organs=[organ])


@pytest.fixture
def channel(issued):
    return issued[0]


@pytest.fixture
def key(issued):
    return issued[1]


def post(client, key, **data):
    return client.post(reverse("api:applications_api:create"), data, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Channel {key}")


def test_channel_files_an_application_waiting_for_confirmation(client, organ, key):
    response = post(client, key, organ=organ.slug, **person_data())
    assert response.status_code == 201 and response.json()["secret"]
    assert Application.objects.get().status == Status.AWAITING_CONFIRMATION


def test_repeated_external_reference_creates_one_application(client, organ, key):
    post(client, key, organ=organ.slug, external_reference="wx-1", **person_data())
    response = post(client, key, organ=organ.slug, external_reference="wx-1", **person_data())
    assert response.status_code == 200 and Application.objects.count() == 1


def test_wrong_key_is_refused(client, organ, key):
    assert post(client, key + "x", organ=organ.slug, **person_data()).status_code == 401


def test_no_key_is_refused(client, organ):
    response = client.post(reverse("api:applications_api:create"), {"organ": organ.slug}, content_type="application/json")
    assert response.status_code == 401


def test_organ_not_allowed_for_the_channel_is_refused(client, key):
    other = OrganFactory()
    assert post(client, key, organ=other.slug, **person_data()).status_code == 403
    assert not Application.objects.exists()


def test_invalid_id_number_gets_a_field_error(client, organ, key):
    response = post(client, key, organ=organ.slug, **person_data(id_number="110105194912310021"))
    assert response.status_code == 400 and "id_number" in response.json()


def test_channel_reads_status_of_its_own_application(client, organ, key):
    number = post(client, key, organ=organ.slug, **person_data()).json()["tracking_number"]
    response = client.get(reverse("api:applications_api:status", args=[number]), HTTP_AUTHORIZATION=f"Channel {key}")
    assert response.json()["status"] == Status.AWAITING_CONFIRMATION


def test_a_channel_cannot_read_an_application_it_did_not_file(client, organ, key):
    _other, other_key = Credential.issue(name="微博", purpose=Purpose.APPLICATION_CHANNEL, organs=[organ])
    number = post(client, key, organ=organ.slug, **person_data()).json()["tracking_number"]
    response = client.get(reverse("api:applications_api:status", args=[number]), HTTP_AUTHORIZATION=f"Channel {other_key}")
    unknown = client.get(reverse("api:applications_api:status", args=["NO-SUCH-1"]), HTTP_AUTHORIZATION=f"Channel {other_key}")
    assert (response.status_code, unknown.status_code) == (404, 404) and response.json() == unknown.json()


def test_a_revoked_channel_is_refused(client, organ, channel, key):
    channel.revoke(by=None, reason="停用")
    assert post(client, key, organ=organ.slug, **person_data()).status_code == 401
    assert not Application.objects.exists()


def test_missing_required_fields_are_named_and_nothing_saved(client, organ, key):
    response = post(client, key, organ=organ.slug, applicant_type="natural_person")
    assert response.status_code == 400 and {"applicant_name", "id_number", "subject"} <= set(response.json())
    assert not Application.objects.exists()


def test_endpoint_is_in_the_openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/applications/" in schema["paths"] and "ChannelKey" in schema["components"]["securitySchemes"]
