"""The audit administrator's first sign-in in a real browser: password, enrolment with the QR code, recovery codes,
then the audit trail filtered to the sign-in just made."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.models import AdminRole
from gongkai.factories import UserFactory
from gongkai.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.second_factor, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_audit_administrator_enrols_and_reads_the_trail(browser, live_server):
    UserFactory(username="auditadmin", admin_role=AdminRole.AUDIT)
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "auditadmin")
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/setup/**")
    assert page.locator(".qr svg").is_visible()
    device = TOTPDevice.objects.get(user__username="auditadmin", confirmed=False)
    page.fill("input[name=token]", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
    page.locator("input[name=token]").press("Enter")
    page.wait_for_url(f"{live_server.url}/accounts/second-factor/recovery-codes/**")
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="我已妥善保存").click()
    page.wait_for_url(f"{live_server.url}/workspace/audit/trail/**")
    page.fill("input[name=action]", "accounts.")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_load_state()
    body = page.locator("table.audit").inner_text()
    assert "登录" in body and "绑定身份验证器" in body
