"""The applicant applies on the web and gets a tracking number; staff confirm
receipt and request a correction; the applicant corrects on the case page;
staff decide 部分公开, the chain approves, the reply letter is generated and
sent with the released file (its redacted copy); the applicant downloads the reply and the file — all through real
pages in chromium."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongkai.applications.models import Application, Status
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.tests.factories import VALID_ID
from gongkai.factories import DepartmentFactory, OrganFactory, member
from gongkai.organs.models import Role
from gongkai.testing import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_case(page, live_server, number, secret):
    page.goto(f"{live_server.url}/apply/case/")
    page.fill("input[name=tracking_number]", number)
    page.fill("input[name=secret]", secret)
    page.click("#open-case")
    page.wait_for_selector("#status")


def test_an_applicant_gets_a_partial_disclosure_after_a_correction(browser, live_server):
    organ = OrganFactory(name="某市财政局", slug="finance", code="CZJ")
    department = DepartmentFactory(organ=organ, name="预算科")
    clerk = member(organ, Role.CLERK, department=department)
    chain = [member(organ, role) for role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER)]

    # The applicant applies on the web.
    applicant = browser.new_context(locale="zh-CN").new_page()
    applicant.set_default_timeout(20_000)
    applicant.goto(f"{live_server.url}/apply/finance/")
    applicant.select_option("select[name=applicant_type]", "natural_person")
    applicant.fill("input[name=applicant_name]", "王五")
    applicant.select_option("select[name=id_type]", "resident_id")
    applicant.fill("input[name=id_number]", VALID_ID)
    applicant.fill("input[name=phone]", "13900001111")
    applicant.fill("input[name=email]", "wangwu@example.com")
    applicant.fill("input[name=subject]", "本局2025年部门预算")
    applicant.check("input[name=form_wanted][value=electronic]")
    applicant.check("input[name=delivery_method][value=online]")
    applicant.click("#submit-application")
    number = applicant.inner_text("#tracking-number")
    secret = applicant.inner_text("#secret")
    assert number == f"CZJ-{timezone.localdate().year}-000001"
    application = Application.objects.get(tracking_number=number)

    # Staff confirm receipt and request a correction.
    staff = login(browser, live_server, clerk)
    staff.goto(f"{live_server.url}/workspace/applications/{application.pk}/")
    staff.click("button[name=go][value=confirm]")
    staff.click("form[action$='/do/claim/'] button")
    staff.click("details:has(form[action$='/do/correction/']) summary")
    staff.fill("#correction-text", "请说明所需的是部门预算还是预算执行情况。")
    staff.click("button[name=go][value=correction]")
    application.refresh_from_db()
    assert application.status == Status.CORRECTION_REQUESTED

    # The applicant corrects on the case page.
    open_case(applicant, live_server, number, secret)
    applicant.fill("textarea[name=text]", "需要的是2025年部门预算及说明。")
    applicant.locator("form[action$='/correct/'] button[type=submit]").click()
    applicant.wait_for_selector(".message-success")
    application.refresh_from_db()
    assert application.status == Status.IN_PROGRESS

    # Staff decide 部分公开 and submit the reply for sign-off.
    staff.goto(f"{live_server.url}/workspace/applications/{application.pk}/")
    staff.select_option("#draft-form select[name=outcome]", Outcome.PARTIAL.value)
    staff.fill("#draft-form textarea[name=legal_basis]", "《中华人民共和国政府信息公开条例》第三十七条")
    staff.fill("#draft-form textarea[name=body]", "经审查，部门预算中涉及个人信息的部分不予公开，其余部分予以公开。")
    staff.fill("#draft-form textarea[name=documents_provided]", "2025年部门预算（删除个人信息）")
    staff.click("button[name=go][value=draft]")
    # The file released with the reply, to be released in part, and its redacted copy beside it.
    staff.set_input_files("#release-file-form input[name=file]", files=[_docx("部门预算.docx", "预算表：张三 工资")])
    staff.check("#release-file-form input[name=needs_redaction]")
    staff.click("#release-file-form button[type=submit]")
    staff.wait_for_selector(".message-success")
    redacted = _docx("部门预算（删除处理）.docx", "预算表：（已删除个人信息）")
    staff.set_input_files("form[action$='/do/release_redacted/'] input[name=redacted]", files=[redacted])
    staff.click("form[action$='/do/release_redacted/'] button[type=submit]")
    staff.wait_for_selector(".message-success")
    staff.click("button[name=go][value=submit]")
    released = application.released_files.get()
    assert released.redacted_sha256 and application.replies.get(status="in_signoff").files_manifest

    # The chain approves, step by step.
    for person in chain:
        page = login(browser, live_server, person)
        page.goto(f"{live_server.url}/workspace/applications/{application.pk}/")
        pinned = page.inner_text("table:has(caption)")  # the files signed off: both copies, each with its SHA-256
        assert released.sha256 in pinned and released.redacted_sha256 in pinned
        page.click("button[name=decision][value=approve]")
        page.wait_for_selector(".message-success")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.letters.filter(kind="reply", letter_kind="reply.partial").exists()

    # Staff send the reply online; the applicant downloads it.
    staff.goto(f"{live_server.url}/workspace/applications/{application.pk}/")
    staff.select_option("form[action$='/do/deliver/'] select[name=via]", "online")
    staff.click("button[name=go][value=deliver]")
    application.refresh_from_db()
    assert (application.status, application.outcome) == (Status.CLOSED, Outcome.PARTIAL)

    open_case(applicant, live_server, number, secret)
    reply = application.letters.get(kind="reply")
    # the PDF opens in the browser (served inline, with the applicant's case session)
    href = applicant.get_attribute(f"a[href$='/letters/{reply.pk}/pdf/']", "href")
    letter = applicant.request.get(href if href.startswith("http") else live_server.url + href)
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    assert letter.body()[:5] == b"%PDF-"
    # the released file: its redacted copy, through the signed link on the case page
    href = applicant.get_attribute("#released a", "href")
    download = applicant.request.get(href if href.startswith("http") else live_server.url + href)
    assert download.status == 200 and download.body() == redacted["buffer"]


def _docx(name: str, text: str) -> dict:
    from gongkai.catalogue.tests.factories import docx_upload

    return {"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": docx_upload(text=text, name=name).read()}
