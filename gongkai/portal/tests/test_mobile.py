"""A citizen on a phone (390 px wide, in Debian's chromium): no public page is wider than the screen, the header's
search button stays on one line, badges keep their shape; a step that cannot be undone asks first; the favicon is
there."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongkai.applications.models import Application, Status
from gongkai.applications.tests.factories import VALID_ID
from gongkai.catalogue.models import Item, ItemState
from gongkai.catalogue.tests.factories import Office, docx_upload
from gongkai.organs.models import Organ
from gongkai.reports.models import AnnualReport
from gongkai.testing import Confirmations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}

# What sticks out: the page's own width against the screen's, and the elements reaching past the right edge that
# are not inside a box of their own that scrolls or clips (the annual report's tables scroll sideways in theirs).
OVERFLOW = """() => {
  const root = document.documentElement, width = root.clientWidth, out = [];
  const boxed = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 0.5 && !boxed(el)) out.push(el.tagName.toLowerCase() + "." + el.className);
  }
  return {scroll: root.scrollWidth, client: width, out: out.slice(0, 5)};
}"""
# Lines a piece of text takes: the header's search button and every badge must take one.
LINES = """(el) => { const range = document.createRange(); range.selectNodeContents(el);
  return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size; }"""


def _check(page, url: str, problems: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate(OVERFLOW)
    if found["scroll"] > found["client"]:
        problems.append(f"{url}: {found['scroll']} px wide on a {found['client']} px screen: {found['out']}")
    for button in page.locator(".header-search button").all():
        if button.evaluate(LINES) != 1:
            problems.append(f"{url}: the header's search button wraps")
    for badge in page.locator(".badge").all():
        if badge.is_visible() and badge.evaluate(LINES) != 1:
            problems.append(f"{url}: a badge wraps: {badge.inner_text()}")


def test_no_public_page_is_wider_than_a_phone(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", items=20, stdout=io.StringIO())
    organ = Organ.objects.filter(parent__isnull=False, is_active=True).order_by("path").first()
    # the longest title and a document number make the widest catalogue row and metadata table
    item = Item.objects.published().exclude(document_number="").select_related("organ").order_by("-pk").first()
    report = AnnualReport.objects.filter(status="published").select_related("organ").first()
    assert item is not None and report is not None
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    base = live_server.url
    for path in [
        "/", f"/{organ.slug}/", f"/{organ.slug}/guide/", f"/{item.organ.slug}/catalogue/",
        f"/{item.organ.slug}/catalogue/?page=2", f"/{item.organ.slug}/items/{item.pk}/",
        "/search/?q=通知", f"/{organ.slug}/search/?q=工作", "/search/?q=无此词语的检索",
        "/annual-reports/", f"/annual-reports/{report.organ.slug}/{report.year}/", "/annual-reports/check/",
        "/apply/", "/apply/case/", "/accounts/login/",
        f"/{organ.slug}/rules/", f"/{organ.slug}/statutory/", f"/{item.organ.slug}/statutory/",
        f"/{organ.slug}/on-application/", f"/{organ.slug}/organisation/", f"/{organ.slug}/leaders/",
        "/apply/", "/apply/case/", "/accounts/login/", "/apply/account/login/", "/apply/account/register/",
        f"/{organ.slug}/statistics/", "/statistics/",
        "/no-such-page/", f"/{organ.slug}/items/999999/", "/search/?q=%00",  # error pages: 404, 404, 400
    ]:
        _check(page, base + path, problems)

    # The application form, its receipt and the case page, with a long e-mail address and address.
    _check(page, f"{base}/apply/{organ.slug}/", problems)
    page.select_option("select[name=applicant_type]", "natural_person")
    page.fill("input[name=applicant_name]", "王五")
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", VALID_ID)
    page.fill("input[name=phone]", "13900001111")
    page.fill("input[name=email]", "wangwu.applicant.with.a.long.address@subdomain.example.gov.cn")
    page.fill("input[name=subject]", "本局2025年部门预算及“三公”经费预算执行情况")
    page.check("input[name=form_wanted][value=electronic]")
    page.check("input[name=delivery_method][value=online]")
    page.click("#submit-application")
    number, secret = page.inner_text("#tracking-number"), page.inner_text("#secret")
    _check(page, page.url, problems)
    page.goto(f"{base}/apply/case/")
    page.fill("input[name=tracking_number]", number)
    page.fill("input[name=secret]", secret)
    page.click("#open-case")
    page.wait_for_selector("#status")
    _check(page, page.url, problems)
    page.click("#receipt-link")  # the printable receipt, reached from the case page
    page.wait_for_selector("#receipt-number")
    _check(page, page.url, problems)
    assert problems == []

    # The catalogue is stacked: a title takes the row's whole width, not a narrow column beside the others.
    page.goto(f"{base}/{item.organ.slug}/catalogue/")
    title = page.locator("table.catalogue tbody td").first.bounding_box()
    assert title["width"] > 300
    page.context.close()


def test_a_step_that_cannot_be_undone_asks_first(browser, live_server, file_checks_run_at_once):
    office = Office()
    draft = office.draft(title="关于开展噪声污染专项检查的通知")
    from gongkai.catalogue import services

    services.add_attachment(draft, by=office.clerk, uploaded=docx_upload())
    approved = office.approved(title="关于做好夏季防汛工作的通知", document_number="某政办发〔2026〕13号")

    # Removing an attachment: "cancel" keeps it, "OK" removes it.
    page = login(browser, live_server, office.clerk)
    page.confirmations.ok = False
    page.goto(f"{live_server.url}/workspace/items/{draft.pk}/edit/")
    page.click("button[form^=remove-]")
    page.wait_for_timeout(300)
    assert page.confirmations.asked == ["确定移除附件“附件.docx”吗？"]
    assert draft.attachments.filter(is_current=True).count() == 1
    page.confirmations.ok = True
    page.click("button[form^=remove-]")
    page.wait_for_load_state("load")
    assert draft.attachments.filter(is_current=True).count() == 0
    page.context.close()

    # Publishing: "cancel" leaves the item approved, "OK" publishes it.
    page = login(browser, live_server, office.webadmin)
    page.confirmations.ok = False
    page.goto(f"{live_server.url}/workspace/items/{approved.pk}/")
    page.click("form[action$='/publish/'] button.primary")
    page.wait_for_timeout(300)
    assert page.confirmations.asked == ["确定现在发布吗？发布后公众即可看到。"]
    approved.refresh_from_db()
    assert approved.state == ItemState.APPROVED
    page.confirmations.ok = True
    page.click("form[action$='/publish/'] button.primary")
    page.wait_for_load_state("load")
    approved.refresh_from_db()
    assert approved.state == ItemState.PUBLISHED
    page.context.close()

    # The applicant's withdrawal, on the case page.
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    answers = Confirmations(page, ok=False)
    page.goto(f"{live_server.url}/apply/{office.organ.slug}/")
    page.select_option("select[name=applicant_type]", "natural_person")
    page.fill("input[name=applicant_name]", "王五")
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", VALID_ID)
    page.fill("input[name=phone]", "13900001111")
    page.fill("input[name=subject]", "本局2025年部门预算")
    page.check("input[name=form_wanted][value=electronic]")
    page.check("input[name=delivery_method][value=online]")
    page.click("#submit-application")
    number, secret = page.inner_text("#tracking-number"), page.inner_text("#secret")
    page.goto(f"{live_server.url}/apply/case/")
    page.fill("input[name=tracking_number]", number)
    page.fill("input[name=secret]", secret)
    page.click("#open-case")
    page.click("details summary")
    page.click("form[action$='/withdraw/'] button.danger")
    page.wait_for_timeout(300)
    assert answers.asked == ["确定撤回申请吗？撤回后机关将不再办理。"]
    assert Application.objects.get(tracking_number=number).status != Status.WITHDRAWN
    answers.ok = True
    page.click("form[action$='/withdraw/'] button.danger")
    page.wait_for_load_state("load")
    assert Application.objects.get(tracking_number=number).status == Status.WITHDRAWN
    page.context.close()


def test_the_favicon_is_there(browser, live_server):
    page = browser.new_context().new_page()
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] == "image/x-icon"
    page.goto(f"{live_server.url}/no-such-page/")
    for href in page.eval_on_selector_all("link[rel=icon]", "links => links.map(l => l.href)"):
        assert page.request.get(href).status == 200, href
    page.context.close()


def test_the_item_page_text_size_and_print_buttons_work(browser, live_server):
    from gongkai.catalogue.tests.factories import ItemFactory

    item = ItemFactory(body="<p>各区生态环境分局：为加强饮用水源保护，现通知如下。</p>")
    page = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    url = f"{live_server.url}/{item.organ.slug}/items/{item.pk}/"
    page.goto(url)
    size = "() => parseFloat(getComputedStyle(document.querySelector('.item-body')).fontSize)"
    medium = page.evaluate(size)
    page.get_by_role("button", name="大", exact=True).click()
    assert page.evaluate(size) > medium
    assert page.get_by_role("button", name="大", exact=True).get_attribute("aria-pressed") == "true"
    page.reload()
    assert page.evaluate(size) > medium  # remembered in this browser
    page.get_by_role("button", name="小", exact=True).click()
    assert page.evaluate(size) < medium
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("() => window.printed === true")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and page.locator(".item-body").is_visible()
    page.context.close()
