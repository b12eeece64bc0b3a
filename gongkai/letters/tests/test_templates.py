import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from gongkai.applications.letters import context_for_application
from gongkai.applications.models import Application, Consultation, Fee, Reply
from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError
from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.letters import services
from gongkai.letters.models import LetterTemplate
from gongkai.letters.rendering import render_letter, sample_context, template_for
from gongkai.organs.models import Role


@pytest.fixture
def organ(db):
    return OrganFactory(slug="edu")


@pytest.fixture
def office(organ):
    return member(organ, Role.DISCLOSURE_OFFICE)


def test_an_organ_uses_the_default_until_it_writes_its_own(organ, office):
    assert template_for("receipt", organ).origin == "default"

    services.save_template(organ=organ, kind="receipt", title="受理通知", body="{{applicant}}：\n已收到，编号{{tracking_number}}。", by=office)

    source = template_for("receipt", organ)
    assert (source.origin, source.title) == ("organ", "受理通知")
    assert template_for("receipt", OrganFactory()).origin == "default"


def test_the_organs_wording_is_used_when_rendering(organ, office):
    services.save_template(organ=organ, kind="receipt", title="受理通知", body="{{applicant}}：\n已收到，编号{{tracking_number}}。", by=office)

    _docx, _pdf, text = render_letter("receipt", organ=organ, context=sample_context())

    assert text.startswith("受理通知")
    assert "已收到，编号" in text


def test_a_platform_wide_wording_applies_to_organs_without_their_own(organ, db):
    services.save_template(organ=None, kind="fee", title="收费通知", body="{{applicant}}：\n请缴费{{fee_amount}}元。", by=UserFactory(is_superuser=True))

    assert template_for("fee", organ).origin == "platform"


def test_saving_is_audited_with_the_old_and_new_text(organ, office):
    row = services.save_template(organ=organ, kind="receipt", title="受理通知", body="{{applicant}}：\n已收到。", by=office, reason="简化")

    event = trail_for(row).get()
    assert event.action == "letters.template_saved"
    assert event.data["before"]["origin"] == "default"
    assert event.data["after"]["title"] == "受理通知"
    assert event.reason == "简化"


@pytest.mark.parametrize(
    ("title", "body", "field", "fragment"),
    [
        ("", "正文", "title", "title"),
        ("标题", "  ", "body", "empty"),
        ("标题", "{{applicant}}：{{nonsense}}", "body", "{{nonsense}}"),
        ("标题{{bad name}}", "正文", "title", "placeholder"),
    ],
)
def test_a_bad_template_is_refused_naming_the_field_and_nothing_saved(organ, office, title, body, field, fragment):
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.save_template(organ=organ, kind="receipt", title=title, body=body, by=office)

    assert error.value.field == field
    assert fragment in str(error.value.message)
    assert not LetterTemplate.objects.exists()


def test_going_back_to_the_default_keeps_the_row(organ, office):
    services.save_template(organ=organ, kind="receipt", title="受理通知", body="正文", by=office)

    services.reset_template(organ=organ, kind="receipt", by=office)

    assert template_for("receipt", organ).origin == "default"
    assert LetterTemplate.objects.get().is_active is False


def test_context_from_the_register_fills_a_reply_and_a_fee_notice(organ):
    application = Application(
        organ=organ, tracking_number="EDU-2027-00003", applicant_name="王五", subject="学校名单",
        received_on=dt.date(2027, 3, 1), due_on=dt.date(2027, 3, 29),
    )
    reply = Reply(outcome="partial", legal_basis="条例第十五条", body="部分内容涉及个人隐私。", documents_provided="名单（删除个人信息）", other_organ="")
    fee = Fee(scheme="per_page", quantity=150, amount=Decimal("1700"), pay_by=dt.date(2027, 4, 1))

    context = context_for_application(application, reply=reply, fee=fee, payment_method="现场缴纳")
    _docx, _pdf, reply_text = render_letter("reply.partial", organ=organ, context=context)
    _docx, _pdf, fee_text = render_letter("fee", organ=organ, context=context)

    assert "王五" in reply_text and "2027年3月1日" in reply_text and "条例第十五条" in reply_text
    assert "第101—200页：50页 × 20元/页 = 1000元" in fee_text
    assert "2027年4月1日" in fee_text and "1700元" in fee_text


def test_context_from_a_consultation_fills_the_third_party_letter(organ):
    application = Application(organ=organ, tracking_number="EDU-1", applicant_name="王五", subject="合同", received_on=dt.date(2027, 3, 1))
    consultation = Consultation(party="某某公司", question="是否同意公开合同", sent_on=dt.date(2027, 3, 2), answer_due_on=dt.date(2027, 3, 23))

    _docx, _pdf, text = render_letter("third_party", organ=organ, context=context_for_application(application, consultation=consultation))

    assert text.splitlines()[3] == "某某公司："
    assert "2027年3月23日" in text and "第三十二条" in text


# --- the editor page ---------------------------------------------------------------


def test_the_office_sees_every_letter_of_its_organ(client, organ, office):
    client.force_login(office)

    page = client.get(reverse("letters:index")).content.decode()

    assert page.count(reverse("letters:edit", args=["edu", "receipt"])) == 1
    assert reverse("letters:edit", args=["edu", "reply.partial"]) in page


def test_the_editor_previews_without_saving(client, organ, office):
    client.force_login(office)

    response = client.post(
        reverse("letters:edit", args=["edu", "receipt"]), {"title": "受理通知", "body": "{{applicant}}：\n预览内容。", "preview": "1"}
    )

    assert "预览内容。" in response.content.decode()
    assert not LetterTemplate.objects.exists()


def test_the_editor_saves(client, organ, office):
    client.force_login(office)

    response = client.post(
        reverse("letters:edit", args=["edu", "receipt"]), {"title": "受理通知", "body": "{{applicant}}：\n新内容。", "save": "1"}
    )

    assert response.status_code == 302
    assert template_for("receipt", organ).body == "{{applicant}}：\n新内容。"


def test_the_editor_shows_a_bad_placeholder_on_the_field(client, organ, office):
    client.force_login(office)

    response = client.post(reverse("letters:edit", args=["edu", "receipt"]), {"title": "受理通知", "body": "{{oops}}", "save": "1"})

    assert "{{oops}}" in str(response.context["form"].errors["body"])
    assert not LetterTemplate.objects.exists()


def test_the_pdf_preview_is_a_pdf(client, organ, office):
    client.force_login(office)

    response = client.get(reverse("letters:preview_pdf", args=["edu", "fee"]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", [Role.CLERK, Role.PRINCIPAL_LEADER])
def test_other_roles_are_refused(client, organ, role):
    client.force_login(member(organ, role))

    assert client.get(reverse("letters:index")).status_code == 403
    assert client.get(reverse("letters:edit", args=["edu", "receipt"])).status_code == 403
    assert client.post(reverse("letters:edit", args=["edu", "receipt"]), {"title": "x", "body": "y", "save": "1"}).status_code == 403
    assert not LetterTemplate.objects.exists()


def test_another_organs_office_is_refused(client, organ):
    client.force_login(member(OrganFactory(), Role.DISCLOSURE_OFFICE))

    assert client.get(reverse("letters:edit", args=["edu", "receipt"])).status_code == 403
    assert client.post(reverse("letters:reset", args=["edu", "receipt"])).status_code == 403


def test_an_unknown_letter_is_not_found(client, organ, office):
    client.force_login(office)

    assert client.get(reverse("letters:edit", args=["edu", "nonsense"])).status_code == 404
