"""The body's rich-text editor in Debian's chromium: a clerk formats the body
with the toolbar and the public page shows the formatting; without JavaScript
the textarea still works; a body the editor cannot keep stays a textarea."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from gongkai.catalogue import services
from gongkai.catalogue.models import Item, ItemState
from gongkai.catalogue.tests.factories import Office
from gongkai.factories import GovernmentFactory, OrganFactory
from gongkai.testing import PASSWORD, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fill_metadata(page, title):
    page.fill("#id_title", title)
    page.fill("#id_date_formed", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_topic", label="　生态环境")
    page.select_option("#id_category", label="通知公告")


def test_a_heading_a_bold_word_and_a_list_from_the_toolbar_reach_the_public_page(browser, live_server):
    office = Office(OrganFactory(name="某市生态环境局", parent=GovernmentFactory(slug="city")))
    page = login(browser, live_server, office.clerk)
    page.click("main a.button.primary[href$='/workspace/items/new/']")
    fill_metadata(page, "关于开展噪声污染专项检查的通知")

    # The toolbar speaks Chinese, has no attach button, and formats what the clerk types.
    assert page.get_attribute("trix-toolbar [data-trix-attribute=bold]", "title") == "粗体"
    assert not page.locator("trix-toolbar [data-trix-action=attachFiles]").count()
    page.click("trix-editor")
    page.click("trix-toolbar [data-trix-attribute=heading1]")
    page.keyboard.type("一、检查范围")
    page.keyboard.press("Enter")
    page.keyboard.type("本次检查覆盖")
    page.click("trix-toolbar [data-trix-attribute=bold]")
    page.keyboard.type("全市")
    page.click("trix-toolbar [data-trix-attribute=bold]")
    page.keyboard.type("建筑工地。")
    page.keyboard.press("Enter")
    page.click("trix-toolbar [data-trix-attribute=bullet]")
    page.keyboard.type("夜间施工")
    page.keyboard.press("Enter")
    page.keyboard.type("噪声监测")
    expect(page.locator("#id_body")).to_have_value(re.compile("噪声监测"))
    page.click("form button.primary[type=submit]")

    item = Item.objects.get()
    assert item.body == (
        "<h2>一、检查范围</h2><p>本次检查覆盖<strong>全市</strong>建筑工地。</p><ul><li>夜间施工</li><li>噪声监测</li></ul>"
    )
    assert page.inner_text(".body-preview h2") == "一、检查范围"
    page.context.close()

    services.submit(item, by=office.clerk)
    services.publish(office.approve_all(item), by=office.webadmin)
    assert Item.objects.get().state == ItemState.PUBLISHED

    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{live_server.url}/{office.organ.slug}/items/{item.pk}/")
    assert visitor.inner_text(".item-body h2") == "一、检查范围"
    assert visitor.inner_text(".item-body p strong") == "全市"
    assert visitor.locator(".item-body ul li").all_inner_texts() == ["夜间施工", "噪声监测"]
    visitor.context.close()


def test_the_editor_edits_a_saved_body_and_keeps_its_formatting(browser, live_server):
    office = Office(OrganFactory(parent=GovernmentFactory()))
    item = office.draft(body="<h2>一、总体要求</h2><p>坚持<strong>依法</strong>公开。</p><ol><li>主动公开</li></ol>")
    page = login(browser, live_server, office.clerk)
    page.goto(f"{live_server.url}/workspace/items/{item.pk}/edit/")
    assert page.inner_text("trix-editor h2") == "一、总体要求"
    page.click("trix-editor li")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("依申请公开")
    expect(page.locator("#id_body")).to_have_value(re.compile("依申请公开"))
    page.click("form button.primary[type=submit]")
    item.refresh_from_db()
    assert item.body == (
        "<h2>一、总体要求</h2><p>坚持<strong>依法</strong>公开。</p><ol><li>主动公开</li><li>依申请公开</li></ol>"
    )
    page.context.close()


def test_without_javascript_the_body_is_a_textarea_whose_html_is_cleaned(browser, live_server):
    office = Office(OrganFactory(parent=GovernmentFactory()))
    page = browser.new_context(locale="zh-CN", java_script_enabled=False).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", office.clerk.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.goto(f"{live_server.url}/workspace/items/new/")
    fill_metadata(page, "关于调整办公时间的公告")
    assert not page.locator("trix-editor").count()
    page.fill("#id_body", '<h1>调整事项</h1><p onclick="steal()">自即日起调整。</p><script>alert(1)</script>')
    page.click("form button.primary[type=submit]")
    assert Item.objects.get().body == "<h2>调整事项</h2><p>自即日起调整。</p>"
    assert page.inner_text(".body-preview h2") == "调整事项"
    page.context.close()


def test_a_body_with_a_table_is_edited_as_html_with_a_note(browser, live_server):
    office = Office(OrganFactory(parent=GovernmentFactory()))
    body = "<p>检查安排如下：</p><table><tbody><tr><td>第一组</td><td>城区</td></tr></tbody></table>"
    item = office.draft(body=body)
    page = login(browser, live_server, office.clerk)
    page.goto(f"{live_server.url}/workspace/items/{item.pk}/edit/")
    assert not page.locator("trix-editor").count()
    assert "以 HTML 方式编辑" in page.inner_text(".richtext-note")
    page.fill("#id_title", "关于开展2026年专项检查的安排")
    page.click("form button.primary[type=submit]")
    item.refresh_from_db()
    assert item.title == "关于开展2026年专项检查的安排" and item.body == body
    page.context.close()


def test_files_dropped_or_pasted_into_the_editor_are_left_out(browser, live_server):
    office = Office(OrganFactory(parent=GovernmentFactory()))
    page = login(browser, live_server, office.clerk)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/workspace/items/new/")
    fill_metadata(page, "关于公布检查结果的通知")
    page.click("trix-editor")
    page.keyboard.type("检查结果如下。")
    # A file dropped onto the editor is refused; an image in pasted HTML is dropped, its text kept.
    refused = page.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File(["%PDF-1.4"], "结果.pdf", {type: "application/pdf"}));
        const refused = new Promise(resolve => document.addEventListener(
            "trix-file-accept", e => setTimeout(() => resolve(e.defaultPrevented)), {once: true}));
        document.querySelector("trix-editor").dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        return refused;
    }""")
    assert refused
    page.evaluate("""() => navigator.clipboard.write([new ClipboardItem({
        "text/html": new Blob(['<p>合格单位<img src="/static/x.png" alt="图"></p><script>alert(1)</script>'], {type: "text/html"}),
        "text/plain": new Blob(["合格单位"], {type: "text/plain"}),
    })])""")
    page.keyboard.press("Control+V")
    expect(page.locator("#id_body")).to_have_value(re.compile("合格单位"))
    expect(page.locator("trix-editor figure")).to_have_count(0)
    page.click("form button.primary[type=submit]")
    body = Item.objects.get().body
    assert "合格单位" in body and "<img" not in body and "<figure" not in body and "script" not in body
    page.context.close()
