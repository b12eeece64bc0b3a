"""Property-based testing of the API against its own OpenAPI schema
(schemathesis, in-process through the WSGI application): for every operation
generated requests — valid and invalid — must never cause a server error,
and every answer must match the schema (status code, content type, body).
Run anonymously and with valid keys (the OA push key, the application
channel key). Bounded: a few examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from gongkai.catalogue.tests.factories import Office
from gongkai.credentials.models import Credential, Purpose
from gongkai.wsgi import application

EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keys(db, monkeypatch, settings, request):
    """Data to find (published items of an organ), and a valid key of each kind."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from rest_framework.throttling import SimpleRateThrottle

    # Calls go straight to the WSGI application: keep the test's database connection open
    # between requests, as Django's test client does (on PostgreSQL it would be closed).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        request.addfinalizer(lambda signal=signal: signal.connect(close_old_connections))

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Throttling answers 429 once the examples exceed the per-minute rate; it is tested elsewhere.
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    office = Office()
    office.published(title="关于开展安全生产大检查的通知")
    _client, oa_key = Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=office.organ, user=office.webadmin)
    _channel, channel_key = Credential.issue(name="微信公众号", purpose=Purpose.APPLICATION_CHANNEL, organs=[office.organ])
    return {"oa": f"Token {oa_key}", "channel": f"Channel {channel_key}"}


# Loaded when the tests are collected: answering /api/schema/ reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
BOUNDED = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_api_anonymous(case, keys):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@BOUNDED
@pytest.mark.django_db
def test_api_with_valid_keys(case, keys):
    key = keys["channel"] if case.path.startswith("/api/applications/") else keys["oa"]
    case.call_and_validate(headers={"Authorization": key}, checks=CHECKS)
