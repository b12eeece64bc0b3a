import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue import services
from gongkai.catalogue.models import Disclosure, Item, ItemState, WithholdingReason
from gongkai.catalogue.tests.factories import Office, category, docx_upload, topic
from gongkai.factories import GovernmentFactory, OrganFactory, UserFactory, member
from gongkai.organs.models import Role
from gongkai.sensitive.models import FindingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return Office(OrganFactory(parent=GovernmentFactory()))


@pytest.fixture
def outsider():
    return member(OrganFactory(), Role.CLERK, Role.WEB_ADMIN, Role.DEPARTMENT_HEAD, Role.CONFIDENTIALITY_REVIEWER)


def as_user(client, user):
    client.force_login(user)
    return client


def form_data(**overrides):
    data = {
        "title": "关于做好汛期安全工作的通知", "date_formed": timezone.localdate().isoformat(), "topic": topic().pk,
        "category": category().pk, "disclosure": Disclosure.ACTIVE, "disclosure_channels": "政府网站", "scope": "public",
        "validity": "in_force", "body": "<p>正文</p>", "on_portal": "on",
    }
    data.update(overrides)
    return data


# --- Refusals: every view turns away the wrong person ------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["workspace:home", "workspace:items", "workspace:withheld", "workspace:uninterpreted", "workspace:audit"])
def test_people_without_any_role_are_refused(client, name):
    assert as_user(client, UserFactory()).get(reverse(name)).status_code == 403


def test_drafting_is_refused_to_a_department_head(client, office):
    assert as_user(client, office.head).get(reverse("workspace:item_new")).status_code == 403


def test_drafting_for_another_organ_is_refused(client, office):
    other = OrganFactory()
    response = as_user(client, office.clerk).get(reverse("workspace:item_new") + f"?organ={other.pk}")
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["workspace:item", "workspace:item_edit", "workspace:item_review", "workspace:item_audit", "workspace:item_withdraw", "workspace:item_validity"])
def test_item_pages_refuse_people_of_another_organ(client, office, outsider, name):
    item = office.draft()
    assert as_user(client, outsider).get(reverse(name, args=[item.pk])).status_code == 403


def test_a_version_page_refuses_people_of_another_organ(client, office, outsider):
    item = office.draft()
    services.submit(item, by=office.clerk)
    assert as_user(client, outsider).get(reverse("workspace:item_version", args=[item.pk, 1])).status_code == 403


@pytest.mark.parametrize("name", ["workspace:item_submit", "workspace:item_publish", "workspace:item_revise"])
def test_workflow_moves_refuse_people_of_another_organ(client, office, outsider, name):
    item = office.draft()
    assert as_user(client, outsider).post(reverse(name, args=[item.pk])).status_code == 403


def test_editing_is_refused_to_a_reviewer(client, office):
    item = office.draft()
    assert as_user(client, office.head).get(reverse("workspace:item_edit", args=[item.pk])).status_code == 403


def test_submitting_is_refused_to_a_reviewer(client, office):
    item = office.draft()
    assert as_user(client, office.head).post(reverse("workspace:item_submit", args=[item.pk])).status_code == 403
    assert Item.objects.get().state == ItemState.DRAFT


def test_removing_an_attachment_is_refused_to_a_reviewer(client, office):
    item = office.draft()
    attachment = services.add_attachment(item, by=office.clerk, uploaded=docx_upload())
    url = reverse("workspace:attachment_remove", args=[item.pk, attachment.pk])
    assert as_user(client, office.head).post(url).status_code == 403


def test_reviewing_is_refused_to_the_wrong_step(client, office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    assert as_user(client, office.deputy).get(reverse("workspace:item_review", args=[item.pk])).status_code == 403


def test_publishing_is_refused_to_a_clerk(client, office):
    item = office.approved()
    assert as_user(client, office.clerk).post(reverse("workspace:item_publish", args=[item.pk])).status_code == 403
    assert Item.objects.get().state == ItemState.APPROVED


def test_revising_is_refused_to_a_reviewer(client, office):
    item = office.published()
    assert as_user(client, office.head).post(reverse("workspace:item_revise", args=[item.pk])).status_code == 403


def test_changing_validity_is_refused_to_a_clerk(client, office):
    item = office.published()
    assert as_user(client, office.clerk).get(reverse("workspace:item_validity", args=[item.pk])).status_code == 403


def test_withdrawing_is_refused_to_a_reviewer(client, office):
    item = office.published()
    assert as_user(client, office.head).get(reverse("workspace:item_withdraw", args=[item.pk])).status_code == 403


def test_resolving_a_finding_is_refused_to_anyone_but_the_confidentiality_reviewer(client, office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    finding = services.findings_of(item, 1).get()
    url = reverse("workspace:finding_resolve", args=[finding.pk])
    response = as_user(client, office.head).post(url, {"resolution": "false_positive", "note": "无"})
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


def test_the_organ_audit_of_another_organ_is_refused(client, office, outsider):
    response = as_user(client, outsider).get(reverse("workspace:audit") + f"?organ={office.organ.pk}")
    assert response.status_code == 403


# --- Supervision: read-only ------------------------------------------------------------


def test_the_supervising_office_reads_items_below_it_without_actions(client, office):
    supervisor = member(office.organ.parent, Role.DISCLOSURE_OFFICE)
    item = office.approved()
    response = as_user(client, supervisor).get(reverse("workspace:item", args=[item.pk]))
    assert response.status_code == 200
    assert reverse("workspace:item_publish", args=[item.pk]) not in response.content.decode()
    assert as_user(client, supervisor).post(reverse("workspace:item_publish", args=[item.pk])).status_code == 403


def test_the_withheld_register_shows_supervised_organs_and_not_others(client, office):
    supervisor = member(office.organ.parent, Role.DISCLOSURE_OFFICE)
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.WITHHELD).first()
    office.draft(title="内部事务安排", disclosure=Disclosure.WITHHELD, withholding_reason=reason, withholding_note="内部管理")
    Office().draft(title="别处的内部信息", disclosure=Disclosure.WITHHELD, withholding_reason=reason, withholding_note="内部")
    page = as_user(client, supervisor).get(reverse("workspace:withheld")).content.decode()
    assert "内部事务安排" in page and reason.article in page
    assert "别处的内部信息" not in page


# --- Working pages ----------------------------------------------------------------------


def test_a_clerk_creates_a_draft_with_an_attachment(client, office, django_capture_on_commit_callbacks):
    data = form_data(attachments=docx_upload("附件内容"))
    with django_capture_on_commit_callbacks(execute=True):  # the attachment's check job
        response = as_user(client, office.clerk).post(reverse("workspace:item_new"), data)
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workspace:item", args=[item.pk])
    assert item.attachments.get().text.startswith("附件内容")


def test_a_body_written_in_the_editor_is_kept_and_its_unsafe_parts_removed(client, office):
    body = (
        '<h1>一、检查范围</h1><div onclick="steal()">覆盖<strong>全市</strong>各单位。<br><br>'
        '<script>alert(1)</script><a href="javascript:steal()">详见</a></div><ul><li style="color:red">政策文件</li></ul>'
    )
    as_user(client, office.clerk).post(reverse("workspace:item_new"), form_data(body=body))
    assert Item.objects.get().body == (
        '<h2>一、检查范围</h2><p>覆盖<strong>全市</strong>各单位。</p><p><a rel="noopener noreferrer">详见</a></p>'
        "<ul><li>政策文件</li></ul>"
    )


def test_the_item_form_offers_the_editor_for_the_body(client, office):
    page = as_user(client, office.clerk).get(reverse("workspace:item_new"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "vendor/trix/trix.umd.min.js" in page and "js/richtext.js" in page and "vendor/trix/trix.css" in page
    assert 'id="id_body"' in page and "data-richtext=" in page


def test_bad_input_shows_translated_field_errors_and_saves_nothing(client, office):
    data = form_data(title="", disclosure=Disclosure.WITHHELD)
    response = as_user(client, office.clerk).post(reverse("workspace:item_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写标题。" in page  # the catalogue's rule, in the words the API and the importer use too
    assert set(response.context["form"].errors) == {"title", "withholding_reason", "withholding_note"}
    assert not Item.objects.exists()


def test_a_rule_broken_across_fields_is_shown_on_the_field(client, office):
    response = as_user(client, office.clerk).post(reverse("workspace:item_new"), form_data(disclosure=Disclosure.WITHHELD))
    assert "withholding_reason" in response.context["form"].errors
    assert not Item.objects.exists()


def test_a_bad_attachment_saves_nothing(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form_data(attachments=SimpleUploadedFile("a.pdf", b"not really a pdf"))
    response = as_user(client, office.clerk).post(reverse("workspace:item_new"), data)
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    assert not Item.objects.exists()


def test_the_home_page_lists_what_waits_for_each_person(client, office):
    item = office.draft(title="待审核的通知")
    services.submit(item, by=office.clerk)
    assert "待审核的通知" in as_user(client, office.head).get(reverse("workspace:home")).content.decode()
    assert "待审核的通知" not in as_user(client, office.deputy).get(reverse("workspace:home")).content.decode()


def test_a_reviewer_returns_an_item_and_the_author_sees_the_comment(client, office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    signoff = services.pending_signoff(item)
    url = reverse("workspace:item_review", args=[item.pk])
    as_user(client, office.head).post(url, {"decision": "return", "comment": "请补充文号", "content_hash": signoff.content_hash})
    assert Item.objects.get().state == ItemState.RETURNED
    page = as_user(client, office.clerk).get(reverse("workspace:item", args=[item.pk])).content.decode()
    assert "请补充文号" in page


def test_the_review_page_shows_the_changes_since_the_previous_version(client, office):
    item = office.draft(title="原标题")
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision="return", comment="改标题")
    services.update_draft(item, by=office.clerk, data={"title": "新标题"})
    services.submit(item, by=office.clerk)
    page = as_user(client, office.head).get(reverse("workspace:item_review", args=[item.pk])).content.decode()
    assert "<del>原</del>" in page and "<ins>新</ins>" in page


def test_the_item_list_filters_by_search_term(client, office):
    office.draft(title="防汛通知")
    office.draft(title="招聘公告")
    page = as_user(client, office.clerk).get(reverse("workspace:items") + "?q=防汛&state=bogus&organ=x&page=zz").content.decode()
    assert "防汛通知" in page and "招聘公告" not in page


def test_the_item_list_hides_other_organs(client, office):
    Office().draft(title="别的机关的草稿")
    assert "别的机关的草稿" not in as_user(client, office.clerk).get(reverse("workspace:items")).content.decode()


def test_the_uninterpreted_list_shows_policies_without_interpretation(client, office):
    office.published(title="某市促进就业若干措施", category=category("GFXWJ"))
    assert "某市促进就业若干措施" in as_user(client, office.clerk).get(reverse("workspace:uninterpreted")).content.decode()


def test_the_item_audit_trail_lists_every_move(client, office):
    item = office.published()
    page = as_user(client, office.clerk).get(reverse("workspace:item_audit", args=[item.pk])).content.decode()
    assert "catalogue.submitted" in page and "catalogue.published" in page


def test_publishing_from_the_page_shows_the_index_number(client, office):
    item = office.approved()
    response = as_user(client, office.webadmin).post(reverse("workspace:item_publish", args=[item.pk]), follow=True)
    item.refresh_from_db()
    assert item.index_number in response.content.decode()


def test_repeal_from_the_page_needs_an_explanation(client, office):
    item = office.published()
    url = reverse("workspace:item_validity", args=[item.pk])
    response = as_user(client, office.office).post(url, {"validity": "repealed", "on": timezone.localdate().isoformat(), "explanation": ""})
    assert "explanation" in response.context["form"].errors
    item.refresh_from_db()
    assert item.validity == "in_force"


def test_the_home_page_offers_approved_items_to_the_publisher(client, office):
    office.approved(title="待发布的通知")
    page = as_user(client, office.webadmin).get(reverse("workspace:home")).content.decode()
    assert "待发布的通知" in page and "/publish/" in page


def test_the_home_page_shows_open_findings_to_the_confidentiality_reviewer(client, office):
    item = office.draft(title="含有手机号的通知", body="<p>手机13812345678</p>")
    services.submit(item, by=office.clerk)
    page = as_user(client, office.secrecy).get(reverse("workspace:home")).content.decode()
    assert "含有手机号的通知" in page and "#findings" in page


def test_the_home_page_flags_items_over_the_art_26_limit(client, office):
    import datetime as dt

    office.draft(title="早已成文未发布", date_formed=timezone.localdate() - dt.timedelta(days=60))
    assert "早已成文未发布" in as_user(client, office.clerk).get(reverse("workspace:home")).content.decode()


def test_the_confidentiality_reviewer_resolves_a_finding_from_the_review_page(client, office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision="approve")
    finding = services.findings_of(item, 1).get()
    next_url = reverse("workspace:item_review", args=[item.pk])
    response = as_user(client, office.secrecy).post(
        reverse("workspace:finding_resolve", args=[finding.pk]),
        {"resolution": "false_positive", "note": "机构名称", "next": next_url},
    )
    assert response["Location"] == next_url
    finding.refresh_from_db()
    assert finding.status == FindingStatus.FALSE_POSITIVE


def test_a_revision_from_the_page_opens_the_editor(client, office):
    item = office.published()
    response = as_user(client, office.clerk).post(reverse("workspace:item_revise", args=[item.pk]))
    assert response["Location"] == reverse("workspace:item_edit", args=[item.pk])
    item.refresh_from_db()
    assert item.revision_state == "draft"


def test_writing_an_interpretation_starts_prefilled_with_the_policy(client, office):
    policy = office.published(category=category("GFXWJ"))
    response = as_user(client, office.clerk).get(reverse("workspace:item_new") + f"?interprets={policy.pk}")
    form = response.context["form"]
    assert form.initial["interprets"] == [policy.pk]
    assert form.initial["category"] == category("ZCJD").pk


def test_recalling_is_refused_to_a_reviewer(client, office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    assert as_user(client, office.head).post(reverse("workspace:item_recall", args=[item.pk])).status_code == 403
    assert Item.objects.get().state == ItemState.IN_REVIEW


def test_the_author_recalls_from_the_page(client, office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    as_user(client, office.clerk).post(reverse("workspace:item_recall", args=[item.pk]))
    assert Item.objects.get().state == ItemState.RETURNED


# --- Registers, interpretations, Art. 26, menu, audit ----------------------------------------


def withheld_draft(office, title, disclosure=Disclosure.WITHHELD):
    reason = WithholdingReason.objects.filter(applies_to=disclosure).first()
    return office.draft(title=title, disclosure=disclosure, withholding_reason=reason, withholding_note="理由")


def test_the_withheld_register_does_not_call_the_supervising_offices_own_organ_read_only(client, office):
    government = office.organ.parent
    supervisor = member(government, Role.DISCLOSURE_OFFICE)
    withheld_draft(Office(government), "本级政府的请示")
    withheld_draft(office, "下级机关的请示")
    response = as_user(client, supervisor).get(reverse("workspace:withheld"))
    assert response.context["supervised"] == {office.organ.pk}


def test_the_withheld_register_filters_by_disclosure_attribute(client, office):
    withheld_draft(office, "不予公开的请示")
    withheld_draft(office, "依申请公开的明细", Disclosure.ON_REQUEST)
    page = as_user(client, office.clerk).get(reverse("workspace:withheld") + "?disclosure=on_request").content.decode()
    assert "依申请公开的明细" in page and "不予公开的请示" not in page


def test_the_withheld_register_ignores_an_unknown_attribute(client, office):
    withheld_draft(office, "不予公开的请示")
    page = as_user(client, office.clerk).get(reverse("workspace:withheld") + "?disclosure=active&organ=x").content.decode()
    assert "不予公开的请示" in page


def test_an_approved_withheld_item_is_not_called_awaiting_publication(client, office):
    item = withheld_draft(office, "不予公开的请示")
    services.submit(item, by=office.clerk)
    office.approve_all(item)
    page = as_user(client, office.clerk).get(reverse("workspace:withheld")).content.decode()
    assert "已审核，不予主动公开" in page and "待发布" not in page


def test_the_uninterpreted_list_offers_writing_only_where_the_person_may_draft(client, office):
    supervisor = member(office.organ.parent, Role.DISCLOSURE_OFFICE)
    policy = office.published(title="下级机关的实施细则", category=category("GFXWJ"))
    page = as_user(client, supervisor).get(reverse("workspace:uninterpreted")).content.decode()
    assert "下级机关的实施细则" in page
    assert f"?interprets={policy.pk}" not in page
    assert f"?interprets={policy.pk}" in as_user(client, office.clerk).get(reverse("workspace:uninterpreted")).content.decode()


def test_the_uninterpreted_list_filters_by_organ(client, office):
    government = Office(office.organ.parent)
    supervisor = member(government.organ, Role.DISCLOSURE_OFFICE)
    office.published(title="局里的实施细则", category=category("GFXWJ"))
    government.published(title="政府的管理办法", category=category("GFXWJ"))
    page = as_user(client, supervisor).get(reverse("workspace:uninterpreted") + f"?organ={office.organ.pk}").content.decode()
    assert "局里的实施细则" in page and "政府的管理办法" not in page


def test_writing_an_interpretation_of_a_sibling_organs_policy_is_refused(client, office):
    sibling = Office(OrganFactory(parent=office.organ.parent))
    policy = sibling.published(category=category("GFXWJ"))
    response = as_user(client, office.clerk).get(reverse("workspace:item_new") + f"?interprets={policy.pk}")
    assert response.status_code == 403


def test_writing_an_interpretation_of_an_unknown_item_is_refused(client, office):
    assert as_user(client, office.clerk).get(reverse("workspace:item_new") + "?interprets=99999999999").status_code == 403


def test_a_bureau_may_interpret_a_published_policy_of_its_government(client, office):
    policy = Office(office.organ.parent).published(category=category("GFXWJ"))
    response = as_user(client, office.clerk).get(reverse("workspace:item_new") + f"?interprets={policy.pk}")
    assert response.status_code == 200 and response.context["organ"] == office.organ


def test_the_form_refuses_to_link_another_organs_policy(client, office):
    other = Office().published(category=category("GFXWJ"))
    data = form_data(category=category("ZCJD").pk, interpretation_kind="text", interprets=[other.pk])
    response = as_user(client, office.clerk).post(reverse("workspace:item_new"), data)
    assert "interprets" in response.context["form"].errors
    assert not Item.objects.filter(organ=office.organ).exists()


def test_the_policy_page_offers_an_interpretation_only_to_those_who_may_write_one(client, office):
    policy = office.published(category=category("GFXWJ"))
    link = f"?interprets={policy.pk}"
    assert link in as_user(client, office.clerk).get(reverse("workspace:item", args=[policy.pk])).content.decode()
    assert link not in as_user(client, office.head).get(reverse("workspace:item", args=[policy.pk])).content.decode()


def test_the_item_list_marks_items_over_the_art_26_limit(client, office):
    import datetime as dt

    office.draft(title="早已成文未发布", date_formed=timezone.localdate() - dt.timedelta(days=60))
    office.draft(title="刚刚成文")
    response = as_user(client, office.clerk).get(reverse("workspace:items"))
    marked = {item.title for item in response.context["page"].object_list if item.over_limit}
    assert marked == {"早已成文未发布"}
    assert "超过第二十六条时限" in response.content.decode()


def test_the_item_page_says_an_item_is_over_the_art_26_limit(client, office):
    import datetime as dt

    item = office.draft(date_formed=timezone.localdate() - dt.timedelta(days=60))
    page = as_user(client, office.clerk).get(reverse("workspace:item", args=[item.pk])).content.decode()
    assert "超过第二十六条时限" in page and "尽快" in page


def test_the_item_page_counts_a_revision_from_the_day_it_began(client, office):
    import datetime as dt

    from gongkai.catalogue import services as catalogue_services
    from gongkai.catalogue.models import Item

    item = office.published(date_formed=timezone.localdate() - dt.timedelta(days=400))
    catalogue_services.start_revision(item, by=office.clerk)
    page = as_user(client, office.clerk).get(reverse("workspace:item", args=[item.pk])).content.decode()
    assert "修订开始" in page and "超过第二十六条时限" not in page
    Item.objects.filter(pk=item.pk).update(changed_on=timezone.localdate() - dt.timedelta(days=60))
    page = as_user(client, office.clerk).get(reverse("workspace:item", args=[item.pk])).content.decode()
    assert "超过第二十六条时限" in page and "尽快" in page


def test_the_menu_offers_drafting_and_import_only_to_those_who_may(client, office):
    leader_page = as_user(client, office.principal).get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:item_new") not in leader_page
    assert reverse("workspace:catalogue_import:upload") not in leader_page
    admin_page = as_user(client, office.webadmin).get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:item_new") in admin_page and reverse("workspace:catalogue_import:upload") in admin_page


def test_the_audit_trail_names_the_actions_in_words_and_links_the_item(client, office):
    item = office.published()
    page = as_user(client, office.clerk).get(reverse("workspace:audit") + f"?organ={office.organ.pk}").content.decode()
    assert "提交审核" in page and "已发布" in page
    assert reverse("workspace:item", args=[item.pk]) in page


@pytest.mark.parametrize("name", ["workspace:items", "workspace:withheld", "workspace:uninterpreted"])
@pytest.mark.parametrize("value", ["99999999999999999999", "²", "１２", "-1", "0", "abc", "\x00"])
def test_malformed_filter_ids_give_the_unfiltered_page(client, office, name, value):
    office.draft(title="一条草稿")
    response = as_user(client, office.clerk).get(reverse(name), {"organ": value, "category": value, "page": value})
    # A control character is refused for the whole site (core.middleware.CleanInputMiddleware).
    assert response.status_code == (400 if value == "\x00" else 200)


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "abc"])
def test_a_malformed_organ_in_the_audit_trail_is_refused_not_an_error(client, office, value):
    assert as_user(client, office.clerk).get(reverse("workspace:audit"), {"organ": value}).status_code == 403


@pytest.mark.parametrize("value", ["99999999999999999999", "²"])
def test_a_malformed_policy_to_interpret_is_refused_not_an_error(client, office, value):
    assert as_user(client, office.clerk).get(reverse("workspace:item_new"), {"interprets": value}).status_code == 403


def test_the_item_page_warns_when_nobody_holds_the_waiting_steps_role(client):
    from gongkai.organs.models import Membership

    office = Office()
    Membership.objects.filter(organ=office.organ, role=Role.DEPARTMENT_HEAD).update(is_active=False)
    item = office.draft()
    response = as_user(client, office.clerk).post(reverse("workspace:item_submit", args=[item.pk]), follow=True)
    page = response.content.decode()
    assert "没有人担任" in page and "科室负责人" in page


def test_the_item_page_does_not_warn_when_the_steps_role_is_held(client, office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    assert "没有人担任" not in as_user(client, office.clerk).get(reverse("workspace:item", args=[item.pk])).content.decode()


def test_my_tasks_lists_the_applications_overdue_or_due_soon_for_their_handlers(client, office):
    import datetime as dt

    from gongkai.applications.tests.factories import received

    late = received(office.organ, on=timezone.localdate() - dt.timedelta(days=60), by=office.clerk)
    page = as_user(client, office.clerk).get(reverse("workspace:home")).content.decode()
    assert reverse("applications_ws:detail", args=[late.pk]) in page and late.tracking_number in page
    assert "已逾期" in page and "即将到期的申请" in page
    assert late.tracking_number not in as_user(client, office.deputy).get(reverse("workspace:home")).content.decode()
