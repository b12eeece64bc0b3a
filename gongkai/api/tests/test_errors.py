"""API errors are JSON in the request's language; the schema is readable
with or without a key and says which values may be null."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from gongkai.catalogue.tests.factories import Office
from gongkai.credentials.models import Credential, Purpose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def key():
    office = Office()
    _client, key = Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=office.organ, user=office.webadmin)
    return key


def test_the_schema_is_readable_without_and_with_a_valid_key(key):
    api = APIClient()
    assert api.get("/api/schema/").status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/schema/").status_code == 200


def test_a_wrong_key_still_gets_a_json_401_from_the_schema():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token gk_wrong")
    response = api.get("/api/schema/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] and response.json()["code"] == "authentication_failed"


def test_the_schema_says_parents_may_be_null():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert components["Organ"]["properties"]["parent"]["nullable"] is True
    assert components["Topic"]["properties"]["parent"]["nullable"] is True
    assert "401" in schema["paths"]["/api/oa/items/"]["post"]["responses"]


@pytest.mark.parametrize("path", ["/api/items/999999/", "/api/no-such-endpoint/", "/api/oa/items/999999/"])
def test_not_found_under_api_is_json(path, key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_errors_follow_the_interface_language():
    api = APIClient()
    assert api.post("/api/oa/items/", {}, format="json").json()["detail"] == "身份认证信息未提供。"
    api.cookies["django_language"] = "en"
    assert api.post("/api/oa/items/", {}, format="json").json()["detail"] == "Authentication credentials were not provided."


def test_a_method_the_endpoint_does_not_take_is_a_json_405():
    response = APIClient().delete("/api/items/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_server_error_under_api_is_json(client, monkeypatch, settings):
    from gongkai.catalogue.views import api as views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.ItemList, "get", broken)
    client.raise_request_exception = False
    response = client.get("/api/items/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_domain_errors_map_to_json():
    from rest_framework.views import APIView

    from gongkai.api.exceptions import handle
    from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed

    context = {"view": APIView(), "request": None}
    assert handle(NotAllowed("no"), context).status_code == 403
    assert handle(InvalidTransition("state"), context).status_code == 409
    response = handle(DomainError("bad", field="title"), context)
    assert (response.status_code, response.data) == (400, {"title": ["bad"]})
