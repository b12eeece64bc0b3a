"""The annual report through real pages in Debian's chromium: generate → see a
failing check → fix the data → sign off → publish → the public page shows the
report and offers the DOCX and PDF.

"Fix the data" happens where it would in real life — on the application
record (the applications app's own pages); this test corrects the record
directly and then regenerates the report from the workspace."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.reports.tests.factories import Office, application
from gongkai.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def approve(browser, live_server, user, report_url):
    page = login(browser, live_server, user)
    page.goto(report_url)
    page.select_option("#decide-form select[name=decision]", "approve")
    page.locator("#decide-form button[type=submit]").click()
    page.wait_for_load_state()
    page.context.close()


def test_a_report_goes_from_generation_to_the_public_page(browser, live_server):
    office = Office(name="某市交通运输局", slug="jtj")
    application(office.organ, received_on=dt.date(2025, 3, 2), closed_on=dt.date(2025, 3, 20), outcome="disclosed")
    defect = application(office.organ, received_on=dt.date(2025, 5, 6), closed_on=dt.date(2025, 5, 28), outcome="")

    page = login(browser, live_server, office.office)
    page.goto(f"{live_server.url}/workspace/reports/?year=2025")
    page.locator(f"form[action$='/organ/{office.organ.pk}/2025/generate/'] button").click()
    page.wait_for_load_state()
    report_url = page.url
    failed = page.locator("#checks li.failed[data-rule=R2]")
    assert failed.count() == 2  # 自然人 and 总计
    assert defect.tracking_number in failed.first.inner_text()
    case_link = failed.first.get_by_role("link", name=defect.tracking_number)
    assert case_link.get_attribute("href") == f"/workspace/applications/{defect.pk}/"  # where the clerk fixes it
    page.fill("textarea[name=overview]", "本年度我局认真落实政府信息公开条例，主动公开政府信息。")
    page.fill("textarea[name=problems]", "政策解读形式较单一，下一步将增加图解和视频解读。")
    page.fill("textarea[name=other_matters]", "本年度未收取信息处理费。")
    page.locator("form[action$='/texts/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#submit-report").click()
    page.wait_for_load_state()
    assert page.locator(".message-error").count() == 1  # refused: checks fail

    defect.outcome = "not_processed_repeat"  # the clerk records the outcome the case really had
    defect.save()
    page.locator("#regenerate").click()
    page.wait_for_load_state()
    assert page.locator("#checks li.failed").count() == 0
    assert page.locator("#checks .badge.ok").count() == 1
    page.locator("#submit-report").click()
    page.wait_for_load_state()
    page.context.close()

    for person in (office.office, office.deputy, office.principal):
        approve(browser, live_server, person, report_url)

    page = login(browser, live_server, office.webadmin)
    page.goto(report_url)
    page.locator("#publish-report").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").count() == 1
    page.context.close()

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{live_server.url}/{office.organ.slug}/")  # the organ's disclosure column
    public.locator("nav.site-nav").get_by_role("link", name="年度报告").click()
    public.wait_for_load_state()
    public.get_by_role("link", name="某市交通运输局2025年政府信息公开工作年度报告").click()
    public.wait_for_load_state()
    assert public.locator("h1.report-title").inner_text() == "某市交通运输局2025年政府信息公开工作年度报告"
    assert public.locator("td[data-cell='t3.not_processed_repeat.total']").inner_text() == "1"
    docx_link = public.locator("a[href$='report.docx']")
    pdf_link = public.locator("a[href$='report.pdf']")
    assert docx_link.count() == 1 and pdf_link.count() == 1
    pdf = public.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    docx = public.request.get(live_server.url + docx_link.get_attribute("href"))
    assert docx.ok and docx.body()[:2] == b"PK"
