"""Password guessing is slowed on every sign-in page: per account and per address, no CAPTCHA."""

import pytest
from axes.models import AccessAttempt

from gongkai.accounts.tests.conftest import PASSWORD, sign_in
from gongkai.core.models import AuditEvent
from gongkai.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client):
    user = UserFactory(username="zhangsan")
    for _attempt in range(4):
        assert sign_in(client, "zhangsan", "wrong").status_code == 200
    locked = sign_in(client, "zhangsan", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录已暂时锁定" in page and "请于" in page and "分钟后" in page
    right = sign_in(client, "zhangsan", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    failures = AuditEvent.objects.filter(action="accounts.login_failed", target_id=str(user.pk))
    assert failures.count() == 4 and failures.first().data["ip"] == "127.0.0.1"
    assert AuditEvent.objects.filter(action="accounts.locked_out", target_id=str(user.pk)).count() == 2


def test_the_lock_holds_for_the_account_from_another_address(client):
    UserFactory(username="lisi")
    for n in range(5):
        sign_in(client, "lisi", "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert sign_in(client, "lisi", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 429


def test_one_address_trying_many_accounts_is_locked(client):
    for n in range(5):
        UserFactory(username=f"victim{n}")
        sign_in(client, f"victim{n}", "wrong", REMOTE_ADDR="10.1.1.1")
    UserFactory(username="other")
    assert sign_in(client, "other", PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert sign_in(client, "other", PASSWORD, REMOTE_ADDR="10.1.1.2").status_code == 302


def test_the_admin_login_is_locked_too(client):
    UserFactory(username="wangwu", is_staff=True, is_superuser=True)
    for _attempt in range(5):
        sign_in(client, "wangwu", "wrong", path="/admin/login/")
    assert sign_in(client, "wangwu", PASSWORD, path="/admin/login/").status_code == 429
    assert sign_in(client, "wangwu", PASSWORD).status_code == 429  # the same account on the other page


def test_unknown_accounts_are_recorded_with_the_name_tried(client):
    sign_in(client, "nobody-here", "wrong")
    event = AuditEvent.objects.get(action="accounts.login_failed")
    assert event.actor is None and event.actor_name == "nobody-here" and event.data["username"] == "nobody-here"


def test_behind_a_proxy_the_forwarded_address_is_counted(client, settings):
    settings.NUM_PROXIES = 1
    UserFactory(username="zhaoliu")
    for _attempt in range(5):
        sign_in(client, "other-name", "wrong", REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # the proxy's own address is not locked: another visitor behind it signs in
    assert sign_in(client, "zhaoliu", PASSWORD, REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()
    assert AuditEvent.objects.filter(action__in=["accounts.login_failed", "accounts.locked_out"], data__ip="203.0.113.7").count() == 5


def test_a_forged_forwarded_address_is_ignored(client, settings):
    settings.NUM_PROXIES = 1
    sign_in(client, "x", "wrong", REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert AccessAttempt.objects.get().ip_address == "192.168.0.1"


def test_a_success_clears_the_count(client):
    UserFactory(username="qianqi")
    for _attempt in range(4):
        sign_in(client, "qianqi", "wrong")
    assert sign_in(client, "qianqi", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        sign_in(client, "qianqi", "wrong")
    assert sign_in(client, "qianqi", PASSWORD).status_code == 302


def test_the_lock_ends_by_time(client):
    import datetime as dt

    from django.utils import timezone

    UserFactory(username="sunba")
    for _attempt in range(5):
        sign_in(client, "sunba", "wrong")
    assert sign_in(client, "sunba", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert sign_in(client, "sunba", PASSWORD).status_code == 302


def test_the_security_administrator_lifts_a_lock(client, secadmin):
    user = UserFactory(username="zhoujiu")
    for _attempt in range(5):
        sign_in(client, "zhoujiu", "wrong", REMOTE_ADDR="10.2.2.2")
    admin_client = client.__class__()
    admin_client.force_login(secadmin)
    response = admin_client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [user.pk]})
    assert response.status_code == 302
    assert sign_in(client, "zhoujiu", PASSWORD, REMOTE_ADDR="10.3.3.3").status_code == 302
    event = AuditEvent.objects.get(action="accounts.unlocked")
    assert event.actor == secadmin and event.target_id == str(user.pk)


def test_lifting_a_lock_is_not_for_the_other_administrators(client, sysadmin, auditadmin):
    user = UserFactory(username="wushi")
    for admin in (sysadmin, auditadmin):
        client.force_login(admin)
        response = client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [user.pk]})
        assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="accounts.unlocked").exists()
