"""An applicant in a real browser (Debian's chromium): opens an account, confirms it from the e-mail, signs in, files
an application, finds it under "my applications", reads its progress and time limit, and prints the receipt — the
print stylesheet leaves only the receipt."""

from __future__ import annotations

import re

import pytest

from gongkai.applications.tests.factories import VALID_ID
from gongkai.factories import OrganFactory
from gongkai.notify.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Gk-申请人-2026-secure!"


def test_an_applicant_opens_an_account_files_and_prints_the_receipt(browser, live_server):
    organ = OrganFactory(slug="jyj-browser", code="JYJB")
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    base = live_server.url

    page.goto(f"{base}/apply/account/register/")
    page.fill("input[name=full_name]", "王五")
    page.fill("input[name=email]", "wangwu@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("#open-account")
    page.wait_for_selector("#applicant-sign-in")
    link = re.search(r"http\S+/apply/account/verify/\S+/", Notification.objects.get(event="applicant.verify_email").body).group(0)
    page.goto(link.replace("http://testserver", base))
    page.fill("input[name=username]", "wangwu@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("#applicant-sign-in")
    page.wait_for_selector("#claim")
    assert "我的申请" in page.inner_text("h1")

    page.goto(f"{base}/apply/{organ.slug}/")
    page.select_option("select[name=applicant_type]", "natural_person")
    page.fill("input[name=applicant_name]", "王五")
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", VALID_ID)
    page.fill("input[name=email]", "wangwu@example.com")
    page.fill("input[name=subject]", "本局2025年部门预算执行情况")
    page.check("input[name=form_wanted][value=electronic]")
    page.check("input[name=delivery_method][value=online]")
    page.click("#submit-application")
    number = page.inner_text("#tracking-number")

    page.goto(f"{base}/apply/account/")
    page.click(f"text={number}")
    page.wait_for_selector("#progress")
    assert page.locator("#progress li").count() == 1 and "提交申请" in page.inner_text("#progress")
    assert "20个工作日" in page.inner_text("#time-limit")

    page.click("#receipt-link")
    page.wait_for_selector("#receipt-number")
    assert page.inner_text("#receipt-number") == number
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator("[data-print]").is_visible()
    assert page.locator(".receipt").is_visible()
    page.context.close()
