"""In a real browser (Debian's chromium) the Content Security Policy blocks nothing on the key pages: the
portal, the application form, the case lookup, the annual reports, the API documentation, the workspace with
the rich-text editor and the statistics charts, and the admin. Violations are caught both as
``securitypolicyviolation`` events and as console errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongkai.catalogue.models import Item
from gongkai.demo.builder import PASSWORD
from gongkai.organs.models import Membership, Organ, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def _context(browser, console: list):
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(WATCH)
    context.on("console", lambda message: message.type == "error" and console.append(message.text))
    return context


def _visit(page, url: str, problems: list, console: list) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # let late scripts (charts, editor) run before reading the violations
    problems += [f"{url}: {v}" for v in page.evaluate("window.__csp")]
    problems += [f"{url}: console: {text}" for text in console if "Content Security Policy" in text]
    console.clear()


def _login(context, live_server, username: str):
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{live_server.url}/workspace/**")
    return page


def test_key_pages_report_no_policy_violation(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", items=20, stdout=io.StringIO())
    organ = Organ.objects.filter(parent__isnull=False, is_active=True).order_by("path").first()
    item = Item.objects.published().select_related("organ").order_by("-pk").first()
    problems: list[str] = []
    console: list[str] = []

    context = _context(browser, console)
    page = context.new_page()
    for path in [
        "/", f"/{organ.slug}/", f"/{organ.slug}/catalogue/", f"/{item.organ.slug}/items/{item.pk}/", "/search/?q=通知",
        f"/apply/{organ.slug}/", "/apply/case/", "/annual-reports/", "/annual-reports/check/", "/api/docs/",
    ]:
        _visit(page, live_server.url + path, problems, console)
    # the watch works: an inline script added to the page is blocked and reported
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None and page.evaluate("window.__csp.length") == 1
    assert any("Content Security Policy" in text for text in console)
    console.clear()
    context.close()

    clerk = Membership.objects.filter(role=Role.CLERK, organ=organ).select_related("user").first().user
    context = _context(browser, console)
    page = _login(context, live_server, clerk.username)
    _visit(page, f"{live_server.url}/workspace/items/new/", problems, console)
    page.click("trix-editor")
    page.keyboard.type("各区生态环境分局：")
    page.click("trix-toolbar [data-trix-attribute=bold]")
    problems += [f"editor: {v}" for v in page.evaluate("window.__csp")]
    _visit(page, f"{live_server.url}/workspace/", problems, console)
    context.close()

    office = Membership.objects.filter(role=Role.DISCLOSURE_OFFICE, organ__parent__isnull=True).select_related("user").first().user
    context = _context(browser, console)
    page = _login(context, live_server, office.username)
    _visit(page, f"{live_server.url}/workspace/reports/statistics/", problems, console)
    assert page.locator(".chart svg").count() >= 1  # the charts were drawn
    context.close()

    context = _context(browser, console)
    page = _login(context, live_server, "admin")
    for path in ["/admin/", "/admin/organs/organ/", f"/admin/organs/organ/{organ.pk}/change/", "/admin/accounts/user/add/"]:
        _visit(page, live_server.url + path, problems, console)
    context.close()

    assert problems == []
