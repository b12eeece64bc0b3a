"""A visitor using only the keyboard, in a real browser (Debian's chromium)."""

from __future__ import annotations

import os

import pytest

from gongkai.catalogue.tests.factories import ItemFactory
from gongkai.factories import GovernmentFactory, OrganFactory
from gongkai.search.services import reindex_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def page():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        yield context.new_page()
        browser.close()


def test_a_visitor_finds_an_item_by_keyboard_alone(live_server, page):
    government = GovernmentFactory(slug="city")
    bureau = OrganFactory(parent=government, slug="eco", name="某市生态环境局")
    item = ItemFactory(organ=bureau, title="市生态环境局关于加强饮用水源保护的通知")
    reindex_item(item.pk)

    page.goto(f"{live_server.url}/eco/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "header-q":
            break
    page.keyboard.type("饮用水源")
    page.keyboard.press("Enter")
    page.wait_for_url("**/eco/search/**")
    link = page.locator("ol.results a").first
    assert "饮用水源" in link.inner_text()
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/eco/items/{item.pk}/")
    assert page.locator("h1").inner_text() == item.title
    assert "索引号" in page.locator("table.meta").inner_text()
