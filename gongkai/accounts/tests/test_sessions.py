"""Sessions of signed-in people end after the idle time and the lifetime; optionally one session per account;
visitors' sessions are left alone; sign-in and sign-out are audited."""

import time

import pytest
from django.test import Client

from gongkai.accounts import security
from gongkai.accounts.tests.conftest import sign_in
from gongkai.core.models import AuditEvent
from gongkai.factories import UserFactory

pytestmark = pytest.mark.django_db


def _age(client, *, login=0, seen=0):
    session = client.session
    now = int(time.time())
    session[security.SESSION_LOGIN_AT] = now - login
    session[security.SESSION_SEEN_AT] = now - seen
    session.save()


def test_a_sign_in_is_audited_with_address_and_browser(client):
    user = UserFactory(username="chen")
    response = sign_in(client, "chen", HTTP_USER_AGENT="Firefox/128", REMOTE_ADDR="10.4.4.4")
    assert response.status_code == 302 and response["Location"] == "/accounts/start/"
    event = AuditEvent.objects.get(action="accounts.logged_in")
    assert event.actor == user and event.data == {"ip": "10.4.4.4", "user_agent": "Firefox/128"}
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="accounts.logged_out", actor=user).exists()


def test_an_idle_session_ends(client, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(UserFactory())
    _age(client, login=31 * 60, seen=31 * 60)
    response = client.get("/accounts/security/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="accounts.session_expired").data["why"] == "idle"
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟无操作" in page


def test_an_active_session_continues_until_its_lifetime(client, settings):
    settings.SESSION_IDLE_MINUTES = 30
    settings.SESSION_MAX_HOURS = 8
    client.force_login(UserFactory())
    _age(client, login=7 * 3600, seen=29 * 60)
    assert client.get("/accounts/security/").status_code == 200
    assert client.session[security.SESSION_SEEN_AT] >= int(time.time()) - 5  # the idle clock restarted
    _age(client, login=8 * 3600 + 1, seen=0)
    response = client.get("/accounts/security/")
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="accounts.session_expired").data["why"] == "lifetime"


def test_the_session_store_forgets_a_signed_in_session_after_the_idle_time(client, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(UserFactory())
    assert client.session.get_expiry_age() == 30 * 60 + security.SEEN_RESOLUTION


def test_a_visitors_session_is_not_touched(client, settings):
    settings.SESSION_IDLE_MINUTES = 1
    session = client.session
    session["applications_cases"] = [1]
    session.save()
    client.get("/")
    assert client.session.get("applications_cases") == [1]
    assert security.SESSION_LOGIN_AT not in client.session


def test_one_session_per_account_when_configured(settings):
    settings.SESSION_SINGLE_PER_ACCOUNT = True
    UserFactory(username="liu")
    first, second = Client(), Client()
    sign_in(first, "liu")
    assert first.get("/accounts/security/").status_code == 200
    sign_in(second, "liu")
    response = first.get("/accounts/security/")
    assert response.status_code == 302 and "_auth_user_id" not in first.session
    assert second.get("/accounts/security/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.session_replaced").count() == 1


def test_several_sessions_are_allowed_by_default(settings):
    UserFactory(username="yang")
    first, second = Client(), Client()
    sign_in(first, "yang")
    sign_in(second, "yang")
    assert first.get("/accounts/security/").status_code == 200
    assert second.get("/accounts/security/").status_code == 200


def test_changing_the_password_keeps_the_single_session(client, settings):
    settings.SESSION_SINGLE_PER_ACCOUNT = True
    UserFactory(username="huang")
    sign_in(client, "huang")
    client.post("/accounts/password/change/", {
        "old_password": "pass-for-tests-1", "new_password1": "Fresh#pass42", "new_password2": "Fresh#pass42"})
    assert client.get("/accounts/security/").status_code == 200
