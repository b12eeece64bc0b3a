"""A clerk drafts an item with an attachment, the department head returns
it, the clerk edits and resubmits, the chain approves (the confidentiality
reviewer resolving the finding in the attachment), the web administrator
publishes; an anonymous visitor then finds it in the organ's catalogue and
by a Chinese search term and sees its index number and interpretation — all
through real pages in Debian's chromium."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from playwright.sync_api import expect

from gongkai.catalogue.models import Item, ItemState
from gongkai.factories import GovernmentFactory, OrganFactory, UserFactory, member
from gongkai.organs.models import Role
from gongkai.sensitive.models import FindingStatus
from gongkai.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]




def attachment_file(tmp_path):
    document = docx.Document()
    document.add_paragraph("大气污染防治专项检查表。联系人手机13812345678。")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "检查表.docx"
    path.write_bytes(buffer.getvalue())
    return path




def test_an_item_goes_from_draft_to_published_through_a_return(browser, live_server, tmp_path):
    government = GovernmentFactory(name="某市人民政府", slug="city")
    organ = OrganFactory(name="某市生态环境局", parent=government)
    people = {
        role: member(organ, role, user=UserFactory(full_name=name))
        for role, name in [
            (Role.CLERK, "王经办"), (Role.DEPARTMENT_HEAD, "李科长"), (Role.CONFIDENTIALITY_REVIEWER, "赵保密"),
            (Role.DEPUTY_LEADER, "钱副局长"), (Role.WEB_ADMIN, "吴网管"),
        ]
    }

    # The clerk drafts the item with an attachment and submits it.
    page = login(browser, live_server, people[Role.CLERK])
    page.click("main a.button.primary[href$='/workspace/items/new/']")
    page.fill("#id_title", "关于开展大气污染防治专项检查的通知")
    # The body is written in the rich-text editor; what is pasted from a web page loses its script.
    page.click("trix-editor")
    page.keyboard.type("各区生态环境分局：")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.evaluate("""() => navigator.clipboard.write([new ClipboardItem({
        "text/html": new Blob(["<p>现就开展专项检查通知如下。</p><script>alert(1)</script>"], {type: "text/html"}),
        "text/plain": new Blob(["现就开展专项检查通知如下。"], {type: "text/plain"}),
    })])""")
    page.keyboard.press("Control+V")
    expect(page.locator("#id_body")).to_have_value(re.compile("现就开展专项检查通知如下"))
    page.fill("#id_document_number", "某环发〔2026〕8号")
    page.fill("#id_date_formed", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.select_option("#id_topic", label="　生态环境")
    page.select_option("#id_category", label="行政规范性文件")
    page.fill("#id_keywords", "大气 检查")
    page.set_input_files("#id_attachments", str(attachment_file(tmp_path)))
    page.click("form button.primary[type=submit]")
    assert page.locator("h1").inner_text() == "关于开展大气污染防治专项检查的通知"
    assert "检查表.docx" in page.content()
    assert "各区生态环境分局" in Item.objects.get().body and "现就开展专项检查通知如下。" in Item.objects.get().body
    assert "<script>" not in Item.objects.get().body and "alert" not in Item.objects.get().body
    page.click("form[action$='/submit/'] button.primary")
    assert Item.objects.get().state == ItemState.IN_REVIEW
    page.context.close()

    # The department head returns it with a comment.
    page = login(browser, live_server, people[Role.DEPARTMENT_HEAD])
    page.click("main a.button.primary[href$='/review/']")
    page.check("input[name=decision][value=return]")
    page.fill("#id_comment", "标题请写明检查时间。")
    page.click("form button.primary[type=submit]")
    assert Item.objects.get().state == ItemState.RETURNED
    page.context.close()

    # The clerk sees the comment, edits and resubmits.
    page = login(browser, live_server, people[Role.CLERK])
    page.click("section[aria-labelledby=t-returned] a.button.primary")
    assert "标题请写明检查时间。" in page.inner_text(".next-step")
    page.click(".next-step a.button[href$='/edit/']")
    page.fill("#id_title", "关于2026年12月开展大气污染防治专项检查的通知")
    page.click("form button.primary[type=submit]")
    page.click("form[action$='/submit/'] button.primary")
    item = Item.objects.get()
    assert item.state == ItemState.IN_REVIEW and item.versions.count() == 2
    page.context.close()

    # The head approves the new version; the diff shows what changed.
    page = login(browser, live_server, people[Role.DEPARTMENT_HEAD])
    page.click("main a.button.primary[href$='/review/']")
    assert "2026年12月" in page.inner_text("table.diff ins")
    page.check("input[name=decision][value=approve]")
    page.click("form button.primary[type=submit]")
    page.context.close()

    # The confidentiality reviewer resolves the mobile number found in the attachment, then approves.
    page = login(browser, live_server, people[Role.CONFIDENTIALITY_REVIEWER])
    page.click("main a.button.primary[href$='/review/']")
    assert "13812345678" in page.inner_text("#findings")
    page.check("#findings input[name=resolution][value=false_positive]")
    page.fill("#findings textarea[name=note]", "这是单位公开的办公电话，不属于个人信息。")
    page.click("#findings button[type=submit]")
    assert item.versions.get(number=2) and not page.locator("#findings input[name=resolution]").count()
    page.check("input[name=decision][value=approve]")
    page.click("form button.primary[type=submit]")
    page.context.close()

    page = login(browser, live_server, people[Role.DEPUTY_LEADER])
    page.click("main a.button.primary[href$='/review/']")
    page.check("input[name=decision][value=approve]")
    page.click("form button.primary[type=submit]")
    assert Item.objects.get().state == ItemState.APPROVED
    page.context.close()

    # The web administrator publishes it from the task list.
    page = login(browser, live_server, people[Role.WEB_ADMIN])
    page.click("form[action$='/publish/'] button.primary")
    item = Item.objects.get()
    assert item.state == ItemState.PUBLISHED
    assert item.index_number and item.index_number in page.content()
    assert item.attachments.get().text.startswith("大气污染防治专项检查表")
    from gongkai.catalogue.services import findings_of

    assert [f.status for f in findings_of(item, 2)] == [FindingStatus.FALSE_POSITIVE]
    page.click("a.button[href$='/audit/']")
    page.wait_for_url("**/audit/")  # the content of a page still navigating is empty
    assert "catalogue.published" in page.content()
    page.context.close()

    # An interpretation of the policy goes through the same chain (here through the services).
    from gongkai.catalogue import services
    from gongkai.catalogue.tests.factories import Office, category, item_data

    chain = Office.__new__(Office)
    chain.organ, chain.clerk, chain.head = organ, people[Role.CLERK], people[Role.DEPARTMENT_HEAD]
    chain.secrecy, chain.deputy, chain.webadmin = people[Role.CONFIDENTIALITY_REVIEWER], people[Role.DEPUTY_LEADER], people[Role.WEB_ADMIN]
    chain.principal = None  # the interpretation is not an important matter
    interpretation = chain.draft(**{
        **item_data(title="一图读懂大气污染防治专项检查", category=category("ZCJD")),
        "interpretation_kind": "graphic", "interprets": [item],
    })
    services.submit(interpretation, by=chain.clerk)
    services.publish(chain.approve_all(interpretation), by=chain.webadmin)

    # An anonymous visitor finds the policy in the catalogue and by a Chinese search term.
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.set_default_timeout(10_000)
    visitor.goto(f"{live_server.url}/{organ.slug}/catalogue/")
    visitor.click("text=关于2026年12月开展大气污染防治专项检查的通知")
    assert item.index_number in visitor.inner_text("main")
    assert "一图读懂大气污染防治专项检查" in visitor.inner_text("main")
    visitor.goto(f"{live_server.url}/search/")
    visitor.fill("#q", "大气污染")
    visitor.press("#q", "Enter")
    assert "关于2026年12月开展大气污染防治专项检查的通知" in visitor.inner_text("main")
    visitor.context.close()
