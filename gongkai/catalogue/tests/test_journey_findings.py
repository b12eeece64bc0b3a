"""Journey: the confidentiality reviewer masks one finding after seeing the masked text, marks another for the
author and returns the item once (Playwright, Debian's chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gongkai.catalogue import services
from gongkai.catalogue.models import Item, ItemState
from gongkai.catalogue.tests.factories import Office
from gongkai.sensitive.models import FindingKind, FindingStatus
from gongkai.signoff.models import Decision
from gongkai.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_reviewer_masks_a_finding_and_returns_the_rest_once(browser, live_server):
    office = Office()
    item = office.draft(body="<p>申请人身份证号11010519491231002X，联系人手机13812345678。</p>")
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.APPROVE)
    page = login(browser, live_server, office.secrecy)
    page.goto(f"{live_server.url}/workspace/items/{item.pk}/")
    id_finding = services.findings_of(item, 1).get(kind=FindingKind.ID_NUMBER)
    page.click(f"#findings a[data-mask='{id_finding.pk}']")
    page.wait_for_url(f"**/findings/{id_finding.pk}/mask/")
    assert page.inner_text("#masked-form") == "1101**********002X"
    assert "1101**********002X" in page.inner_text("td[data-masked]")
    assert "11010519491231002X" in Item.objects.get().body  # nothing changed before the confirmation
    page.click("main form button.primary")
    page.wait_for_url(f"**/workspace/items/{item.pk}/#findings")
    assert "1101**********002X" in Item.objects.get().body
    mobile = services.findings_of(item).get(kind=FindingKind.MOBILE)
    row = page.locator(f"#finding-{mobile.pk}")
    row.locator("input[value=redaction]").check()
    row.locator("textarea[name=note]").fill("请删去联系人手机号。")
    row.locator("button[type=submit]").click()
    expect(page.locator("#return-for-changes")).to_contain_text("13812345678")
    page.fill("#return-reason", "请按标记修改后重新提交。")
    page.click("#return-for-changes button[type=submit]")
    expect(page.locator(".message-success")).to_contain_text("已连同全部待修改的发现退回起草人")
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    assert services.findings_of(item).get(kind=FindingKind.MOBILE).status == FindingStatus.REDACTION
    page.context.close()


def test_the_clerk_discards_a_draft_never_submitted(browser, live_server):
    office = Office()
    item = office.draft(title="重复起草的通知")
    page = login(browser, live_server, office.clerk)
    page.goto(f"{live_server.url}/workspace/items/{item.pk}/")
    assert not page.locator(f"a[href$='/items/{item.pk}/withdraw/']").count()  # 撤回 is for submitted work
    page.click(f"form[action$='/items/{item.pk}/discard/'] button")
    page.wait_for_selector(".message")
    assert Item.objects.get(pk=item.pk).state == ItemState.DISCARDED
    assert "已作废" in page.inner_text("main")
    page.context.close()
