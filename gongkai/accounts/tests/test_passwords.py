"""The password policy, the staff's own change, the reset by e-mail link and the temporary password."""

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from gongkai.accounts.models import PasswordHistory, User
from gongkai.accounts.tests.conftest import PASSWORD, sign_in
from gongkai.core.models import AuditEvent
from gongkai.factories import UserFactory

pytestmark = pytest.mark.django_db


def refused(password, user=None) -> list[str]:
    with translation.override("zh-hans"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return error.messages
    return []


@pytest.mark.parametrize("password", ["12345678901", "20260101"])
def test_an_all_digit_password_is_refused(password):
    assert any("全部为数字" in m or "数字" in m for m in refused(password))


def test_short_and_simple_passwords_are_refused_with_chinese_messages():
    assert refused("Ab1!")  # too short
    messages = refused("abcdefghxyz")  # one kind of character
    assert any("至少" in m and "类" in m for m in messages), messages
    assert refused("abcdefgh123")  # two kinds
    assert refused("Xk7#mQ2pLw") == []


def test_the_user_name_may_not_be_inside_the_password():
    user = User(username="wangwei")
    assert any("用户名" in m for m in refused("Wangwei#2026", user))
    assert refused("Qz7#mQ2pLw", user) == []


def test_none_of_the_last_five_passwords_may_come_back():
    user = UserFactory()
    used = [f"Old#pass{n}x" for n in range(5)]
    for password in used:
        user.set_password(password)
        user.save()
    for password in used:
        assert any("最近 5 次" in m for m in refused(password, user)), password
    user.set_password("Next#pass9x")
    user.save()
    assert refused(used[0], user) == []  # six changes ago: allowed again
    assert PasswordHistory.objects.filter(user=user).count() == 7  # the factory's, five, and the last


def test_setting_a_password_records_when():
    user = UserFactory()
    assert user.password_changed_at is not None


def test_staff_change_their_own_password_and_stay_signed_in(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "Fresh#pass42", "new_password2": "Fresh#pass42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Fresh#pass42")
    assert client.get("/accounts/security/").status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="accounts.password_changed")
    assert event.actor == user and event.data["ip"] == "127.0.0.1"


def test_a_weak_new_password_is_refused_naming_the_field(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_password_pages_need_a_signed_in_person(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.get("/accounts/security/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_temporary_password_must_be_changed_before_anything_else(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"
    client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "Mine#pass42", "new_password2": "Mine#pass42"})
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/accounts/security/").status_code == 200


def test_an_expired_password_must_be_changed(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    client.force_login(user)
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert client.get("/accounts/security/").status_code == 200


def test_reset_by_e_mail_link(client):
    user = UserFactory(email="li@example.gov.cn")
    response = client.post("/accounts/password/reset/", {"email": "li@example.gov.cn"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="accounts.password_reset_requested", target_id=str(user.pk)).exists()
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Mail#pass42", "new_password2": "Mail#pass42"})
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password("Mail#pass42")
    assert AuditEvent.objects.filter(action="accounts.password_reset", actor=user).exists()
    # the link works once
    assert not client.get("/" + path, follow=True).context["validlink"]


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.gov.cn"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_the_security_administrator_sets_a_temporary_password(client, secadmin):
    person = UserFactory()
    client.force_login(secadmin)
    response = client.post(f"/admin/accounts/user/{person.pk}/password/", {
        "password1": "Temp#pass42", "password2": "Temp#pass42", "usable_password": "true"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Temp#pass42") and person.must_change_password
    event = AuditEvent.objects.get(action="accounts.temporary_password")
    assert event.actor == secadmin and event.target_id == str(person.pk)
    # and the person must change it at the next sign-in
    client.logout()
    sign_in(client, person.username, "Temp#pass42")
    assert client.get("/workspace/")["Location"] == "/accounts/password/change/"


def test_an_account_the_security_administrator_adds_starts_with_a_forced_change(client, secadmin):
    client.force_login(secadmin)
    response = client.post("/admin/accounts/user/add/", {
        "username": "newclerk", "full_name": "新人", "email": "n@example.gov.cn",
        "password1": "Start#pass42", "password2": "Start#pass42", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newclerk").must_change_password
    assert AuditEvent.objects.filter(action="accounts.user_added", actor=secadmin).exists()
