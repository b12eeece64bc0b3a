import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.catalogue import services
from gongkai.catalogue.models import (
    Disclosure,
    Item,
    ItemState,
    RevisionState,
    Validity,
    WithholdingReason,
)
from gongkai.catalogue.signals import item_public_changed
from gongkai.catalogue.tests.factories import Office, category, docx_upload, item_data
from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.core.models import AuditEvent
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role
from gongkai.sensitive.models import FindingKind, FindingStatus
from gongkai.signoff.models import Decision, Signoff, SignoffStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return Office()


# --- Drafting ---------------------------------------------------------------


def test_a_clerk_creates_a_draft_with_cleaned_body(office):
    item = office.draft(body='<p onclick="x()">正文</p><script>alert(1)</script>')
    assert item.state == ItemState.DRAFT
    assert item.body == "<p>正文</p>"
    assert item.body_text == "正文"


def test_drafting_is_refused_without_a_drafting_role(office):
    with pytest.raises(NotAllowed):
        services.create_draft(organ=office.organ, by=office.head, data=item_data())


def test_drafting_is_refused_in_another_organ(office):
    with pytest.raises(NotAllowed):
        services.create_draft(organ=OrganFactory(), by=office.clerk, data=item_data())


def test_withheld_items_need_a_legal_reason(office):
    with pytest.raises(DomainError) as error:
        office.draft(disclosure=Disclosure.WITHHELD)
    assert error.value.field == "withholding_reason"


def test_withheld_items_need_a_reason_in_detail(office):
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.WITHHELD).first()
    with pytest.raises(DomainError) as error:
        office.draft(disclosure=Disclosure.WITHHELD, withholding_reason=reason)
    assert error.value.field == "withholding_note"


def test_a_reason_for_another_attribute_is_refused(office):
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.ON_REQUEST).first()
    with pytest.raises(DomainError) as error:
        office.draft(disclosure=Disclosure.WITHHELD, withholding_reason=reason, withholding_note="过程性信息")
    assert error.value.field == "withholding_reason"


def test_the_seeded_reasons_cite_articles_14_15_and_16():
    articles = " ".join(WithholdingReason.objects.values_list("article", flat=True))
    assert all(a in articles for a in ("第十四条", "第十五条", "第十六条"))


def test_a_date_formed_in_the_future_is_refused(office):
    with pytest.raises(DomainError) as error:
        office.draft(date_formed=timezone.localdate() + dt.timedelta(days=3))
    assert error.value.field == "date_formed"


def test_an_attachment_is_checked_by_content_and_its_text_extracted(office, django_capture_on_commit_callbacks):
    item = office.draft()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_attachment(item, by=office.clerk, uploaded=docx_upload("检查表正文"))
    item.refresh_from_db()
    attachment.refresh_from_db()
    assert attachment.kind == "docx" and len(attachment.sha256) == 64
    assert attachment.check_state == "clean"
    assert "检查表正文" in item.attachments_text


def test_an_attachment_waiting_for_its_check_holds_back_approval_and_its_text_is_scanned_once_read(office):
    item = office.draft()
    attachment = services.add_attachment(item, by=office.clerk, uploaded=docx_upload("联系人手机13812345678"))
    services.submit(item, by=office.clerk)  # the check job runs on commit, which a test never reaches
    signoff = services.pending_signoff(item)
    with pytest.raises(DomainError) as error:
        services.review(item, by=office.person(signoff.current_role), decision=Decision.APPROVE)
    assert error.value.field == "attachments"
    assert not services.findings_of(item, 1).exists()
    assert services.check_attachment(attachment.pk) == "clean"
    assert [f.kind for f in services.findings_of(item, 1)] == [FindingKind.MOBILE]
    services.review(item, by=office.person(signoff.current_role), decision=Decision.APPROVE)


def test_an_attachment_found_infected_is_taken_off_and_never_published(office, settings, tmp_path):
    from gongkai.core.tests.fake_clamd import EICAR, running

    item = office.published()
    services.start_revision(item, by=office.clerk)
    bad = services.add_attachment(item, by=office.clerk, uploaded=SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n" + EICAR))
    import tempfile

    with running(tempfile.mkdtemp(prefix="clamd-") + "/s") as server:
        settings.CLAMD_SOCKET = server.path
        assert services.check_attachment(bad.pk) == "infected"
    bad.refresh_from_db()
    assert not bad.is_current and bad.check_note == "Eicar-Test-Signature"
    assert bad.pk not in [a["id"] for a in services.working_data(item).get("attachments", [])]
    assert AuditEvent.objects.filter(action="catalogue.attachment_infected").exists()


def test_a_mislabelled_attachment_is_refused_and_nothing_saved(office):
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(DomainError):
        services.create_draft(organ=office.organ, by=office.clerk, data=item_data(), files=[fake])
    assert not Item.objects.exists()


def test_only_interpretation_items_may_interpret(office):
    policy = office.draft(category=category("GFXWJ"))
    with pytest.raises(DomainError) as error:
        office.draft(interprets=[policy])
    assert error.value.field == "interprets"


def test_an_interpretation_links_to_a_policy_both_ways(office):
    policy = office.draft(category=category("GFXWJ"))
    interpretation = office.draft(category=category("ZCJD"), interpretation_kind="text", interprets=[policy])
    assert list(policy.interpretations.all()) == [interpretation]
    assert list(interpretation.interprets.all()) == [policy]


def test_an_interpretation_may_not_explain_another_organs_policy(office):
    draft_elsewhere = Office().draft(title="别处的草稿办法", category=category("GFXWJ"))
    with pytest.raises(DomainError) as error:
        office.draft(category=category("ZCJD"), interpretation_kind="text", interprets=[draft_elsewhere])
    assert error.value.field == "interprets"
    assert not Item.objects.filter(organ=office.organ).exists()


def test_an_interpretation_may_explain_a_published_policy_of_the_government_above():
    government = Office(GovernmentFactory())
    bureau = Office(OrganFactory(parent=government.organ))
    policy = government.published(category=category("GFXWJ"))
    interpretation = bureau.draft(category=category("ZCJD"), interpretation_kind="text", interprets=[policy])
    assert list(interpretation.interprets.all()) == [policy]
    assert policy in services.interpretable_policies(bureau.organ)


def test_an_interpretation_may_not_explain_an_unpublished_policy_of_the_organ_above():
    government = Office(GovernmentFactory())
    bureau = Office(OrganFactory(parent=government.organ))
    policy = government.draft(category=category("GFXWJ"))
    with pytest.raises(DomainError) as error:
        bureau.draft(category=category("ZCJD"), interpretation_kind="text", interprets=[policy])
    assert error.value.field == "interprets"
    assert policy not in services.interpretable_policies(bureau.organ)


def test_a_government_may_not_interpret_a_policy_of_an_organ_below_it():
    government = Office(GovernmentFactory())
    policy = Office(OrganFactory(parent=government.organ)).published(category=category("GFXWJ"))
    assert not services.may_interpret(government.organ, policy)
    assert services.organs_to_interpret(government.clerk, policy) == []


def test_an_approved_withheld_item_says_it_stays_in_the_register(office):
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.WITHHELD).first()
    item = office.approved(disclosure=Disclosure.WITHHELD, withholding_reason=reason, withholding_note="内部事务")
    assert item.state == ItemState.APPROVED
    assert item.state_label != str(ItemState.APPROVED.label)
    assert office.approved().state_label == str(ItemState.APPROVED.label)


def test_a_video_interpretation_needs_its_link(office):
    policy = office.draft(category=category("GFXWJ"))
    with pytest.raises(DomainError) as error:
        office.draft(category=category("ZCJD"), interpretation_kind="video", interprets=[policy])
    assert error.value.field == "video_url"


def test_a_published_policy_without_published_interpretation_is_reported(office):
    policy = office.published(category=category("GFXWJ"))
    assert list(Item.objects.lacking_interpretation()) == [policy]
    interpretation = office.published(category=category("ZCJD"), interpretation_kind="text", interprets=[policy])
    assert interpretation.state == ItemState.PUBLISHED
    assert list(Item.objects.lacking_interpretation()) == []


# --- Review --------------------------------------------------------------------


def test_submitting_freezes_a_version_and_opens_the_chain(office):
    item = office.draft()
    version = services.submit(item, by=office.clerk)
    item.refresh_from_db()
    signoff = Signoff.objects.for_subject(item).get()
    assert item.state == ItemState.IN_REVIEW
    assert version.number == 1 and version.content_hash == signoff.content_hash
    assert version.content_hash == services.content_hash(services.snapshot(item))
    assert signoff.current_role == Role.DEPARTMENT_HEAD


def test_the_content_hash_covers_attachments(office):
    item = office.draft()
    before = services.content_hash(services.snapshot(item))
    services.add_attachment(item, by=office.clerk, uploaded=docx_upload())
    assert services.content_hash(services.snapshot(item)) != before


def test_an_important_item_needs_the_principal_leader(office):
    item = office.draft(important=True)
    services.submit(item, by=office.clerk)
    assert Signoff.objects.for_subject(item).get().steps.last().role == Role.PRINCIPAL_LEADER


def test_an_item_in_review_cannot_be_edited(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    with pytest.raises(InvalidTransition):
        services.update_draft(item, by=office.clerk, data={"title": "改了"})


def test_a_returned_item_goes_back_to_the_author_and_can_be_resubmitted(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.RETURN, comment="请补充依据")
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    services.update_draft(item, by=office.clerk, data={"title": "补充依据后的标题"})
    version = services.submit(item, by=office.clerk)
    assert version.number == 2
    assert item.versions.get(number=1).data["title"] != version.data["title"]


def test_returning_needs_a_comment(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    with pytest.raises(DomainError):
        services.review(item, by=office.head, decision=Decision.RETURN, comment=" ")


def test_a_reviewer_of_the_wrong_step_is_refused(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    with pytest.raises(NotAllowed):
        services.review(item, by=office.deputy, decision=Decision.APPROVE)


def test_a_decision_on_a_version_the_reviewer_did_not_see_is_refused(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    with pytest.raises(InvalidTransition):
        services.review(item, by=office.head, decision=Decision.APPROVE, content_hash="0" * 64)


def test_the_whole_chain_approving_makes_the_item_approved(office):
    item = office.approved()
    assert item.state == ItemState.APPROVED
    assert Signoff.objects.for_subject(item).get().status == SignoffStatus.APPROVED


# --- Sensitive check ----------------------------------------------------------------


def test_submitting_scans_title_body_and_attachments(office, django_capture_on_commit_callbacks):
    item = office.draft(body="<p>申请人身份证号11010519491231002X</p>")
    with django_capture_on_commit_callbacks(execute=True):  # the attachment's check job
        services.add_attachment(item, by=office.clerk, uploaded=docx_upload("联系人手机13812345678"))
    services.submit(item, by=office.clerk)
    kinds = sorted(f.kind for f in services.findings_of(item, 1))
    assert kinds == sorted([FindingKind.ID_NUMBER, FindingKind.MOBILE])


def test_the_confidentiality_step_cannot_approve_with_open_findings(office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.APPROVE)
    with pytest.raises(DomainError):
        services.review(item, by=office.secrecy, decision=Decision.APPROVE)


def test_only_the_confidentiality_reviewer_resolves_findings(office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    finding = services.findings_of(item, 1).get()
    with pytest.raises(NotAllowed):
        services.resolve_finding(finding, by=office.head, resolution=FindingStatus.FALSE_POSITIVE, note="无")


def test_a_false_positive_needs_a_reason(office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    with pytest.raises(DomainError):
        services.resolve_finding(services.findings_of(item, 1).get(), by=office.secrecy, resolution=FindingStatus.FALSE_POSITIVE, note="")


def test_marking_a_finding_for_the_author_does_not_return_the_item_by_itself(office):
    item = office.draft(body="<p>联系人手机13812345678</p>")
    services.submit(item, by=office.clerk)
    services.resolve_finding(services.findings_of(item, 1).get(), by=office.secrecy, resolution=FindingStatus.REDACTION, note="删除个人手机号")
    item.refresh_from_db()
    assert item.state == ItemState.IN_REVIEW
    assert Signoff.objects.for_subject(item).get().status == SignoffStatus.PENDING


def test_publishing_is_refused_while_a_finding_is_open(office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.APPROVE)
    finding = services.findings_of(item, 1).get()
    services.resolve_finding(finding, by=office.secrecy, resolution=FindingStatus.FALSE_POSITIVE, note="“机密”为机构名称的一部分")
    item = office.approve_all(item)
    finding.status = FindingStatus.OPEN  # as if it had been reopened
    finding.save()
    with pytest.raises(InvalidTransition):
        services.publish(item, by=office.webadmin)


def test_resubmitting_supersedes_the_earlier_versions_open_findings(office):
    item = office.draft(body="<p>机密</p>")
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.RETURN, comment="删去密级")
    services.update_draft(item, by=office.clerk, data={"body": "<p>公开</p>"})
    services.submit(item, by=office.clerk)
    assert services.findings_of(item, 1).get().status == FindingStatus.SUPERSEDED
    assert not services.findings_of(item, 2).exists()


# --- Publishing ------------------------------------------------------------------


def test_publishing_assigns_consecutive_index_numbers_per_organ_and_year(office):
    office.organ.index_template = "{organ_code}-{category}-{year}-{serial:04d}"
    office.organ.save()
    first = office.published()
    second = office.published()
    year = timezone.localdate().year
    assert first.index_number == f"{office.organ.code}-GZDT-{year}-0001"
    assert second.index_number == f"{office.organ.code}-GZDT-{year}-0002"
    assert first.published_at and first.published_by == office.webadmin


def test_each_organ_has_its_own_serial(office):
    other = Office()
    assert office.published().index_serial == 1
    assert other.published().index_serial == 1


def test_only_the_disclosure_office_or_web_admin_publishes(office):
    item = office.approved()
    with pytest.raises(NotAllowed):
        services.publish(item, by=office.clerk)
    with pytest.raises(NotAllowed):
        services.publish(item, by=member(OrganFactory(), Role.WEB_ADMIN))


def test_an_item_not_yet_approved_cannot_be_published(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    with pytest.raises(InvalidTransition):
        services.publish(item, by=office.webadmin)


def test_a_withheld_item_is_never_published(office):
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.WITHHELD).first()
    item = office.approved(disclosure=Disclosure.WITHHELD, withholding_reason=reason, withholding_note="内部事务")
    with pytest.raises(InvalidTransition):
        services.publish(item, by=office.webadmin)
    assert list(Item.objects.withheld()) == [item]


def test_publishing_signals_on_commit(office, django_capture_on_commit_callbacks):
    received = []

    def handler(sender, item_id, organ_id, **kwargs):
        received.append(item_id)

    item_public_changed.connect(handler)
    try:
        item = office.approved()
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(item, by=office.webadmin)
    finally:
        item_public_changed.disconnect(handler)
    assert received == [item.pk]


def test_publishing_writes_the_audit_trail(office):
    item = office.published()
    actions = set(trail_for(item).values_list("action", flat=True))
    assert {"catalogue.drafted", "catalogue.submitted", "catalogue.review_approve", "catalogue.published"} <= actions


# --- After publishing --------------------------------------------------------------


def test_a_revision_keeps_the_public_content_until_published(office):
    item = office.published()
    old_title = item.title
    services.start_revision(item, by=office.clerk)
    services.update_draft(item, by=office.clerk, data={"title": "修订后的标题"})
    item.refresh_from_db()
    assert item.title == old_title and item.revision_state == RevisionState.DRAFT
    assert item.is_public
    services.submit(item, by=office.clerk)
    item = office.approve_all(item)
    assert item.revision_state == RevisionState.APPROVED and item.title == old_title
    item = services.publish(item, by=office.office)
    assert item.title == "修订后的标题" and item.version == 2 and item.revision_state == ""


def test_a_revision_keeps_earlier_versions_and_their_approvals(office):
    item = office.published()
    index_number = item.index_number
    services.start_revision(item, by=office.clerk)
    services.update_draft(item, by=office.clerk, data={"summary": "新增摘要"})
    services.submit(item, by=office.clerk)
    item = services.publish(office.approve_all(item), by=office.webadmin)
    assert item.versions.count() == 2
    assert Signoff.objects.for_subject(item).filter(status=SignoffStatus.APPROVED).count() == 2
    assert item.index_number == index_number


def test_an_attachment_added_in_a_revision_is_not_public_until_published(office, django_capture_on_commit_callbacks):
    item = office.published()
    services.start_revision(item, by=office.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_attachment(item, by=office.clerk, uploaded=docx_upload("修订附件"))
    attachment.refresh_from_db()
    assert not attachment.is_current
    services.submit(item, by=office.clerk)
    item = services.publish(office.approve_all(item), by=office.webadmin)
    attachment.refresh_from_db()
    assert attachment.is_current and "修订附件" in item.attachments_text


def test_a_published_item_cannot_be_revised_into_a_withheld_one(office):
    item = office.published()
    services.start_revision(item, by=office.clerk)
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.WITHHELD).first()
    with pytest.raises(DomainError):
        services.update_draft(item, by=office.clerk, data={
            "disclosure": Disclosure.WITHHELD, "withholding_reason": reason, "withholding_note": "内部",
        })


def test_repeal_needs_an_explanation(office):
    item = office.published()
    with pytest.raises(DomainError):
        services.change_validity(item, by=office.office, validity=Validity.REPEALED, on=timezone.localdate(), explanation="")


def test_repeal_records_date_and_explanation(office):
    item = office.published()
    services.change_validity(item, by=office.office, validity=Validity.REPEALED, on=timezone.localdate(), explanation="已被新文件替代")
    item.refresh_from_db()
    assert item.validity == Validity.REPEALED and item.validity_note == "已被新文件替代"
    assert item.validity_changed_on == timezone.localdate()


def test_a_clerk_cannot_repeal(office):
    with pytest.raises(NotAllowed):
        services.change_validity(office.published(), by=office.clerk, validity=Validity.EXPIRED, on=timezone.localdate(), explanation="到期")


def test_withdrawing_takes_it_off_the_portal_but_keeps_it(office):
    item = office.published()
    services.withdraw(item, by=office.webadmin, reason="内容有误")
    assert not Item.objects.published().exists()
    assert Item.objects.get(pk=item.pk).state == ItemState.WITHDRAWN


def test_nothing_is_hard_deleted(office):
    item = office.draft()
    with pytest.raises(RuntimeError):
        item.delete()


# --- Art. 26 ---------------------------------------------------------------------


def test_an_item_formed_more_than_20_working_days_ago_is_flagged(office):
    old = office.draft(date_formed=timezone.localdate() - dt.timedelta(days=40))
    recent = office.draft(date_formed=timezone.localdate() - dt.timedelta(days=1))
    assert list(Item.objects.over_publication_limit()) == [old]
    assert recent not in Item.objects.over_publication_limit()


def test_a_published_item_is_not_flagged(office):
    item = office.published(date_formed=timezone.localdate() - dt.timedelta(days=40))
    assert item not in Item.objects.over_publication_limit()


def test_a_revision_is_flagged_20_working_days_after_it_began_not_after_the_item_was_formed(office):
    # Art. 26: within 20 working days of being formed *or changed*.
    item = office.published(date_formed=timezone.localdate() - dt.timedelta(days=400))
    services.start_revision(item, by=office.clerk, note="调整补贴标准")
    item.refresh_from_db()
    assert item.changed_on == timezone.localdate()
    assert item not in Item.objects.over_publication_limit()  # changed today: in time
    Item.objects.filter(pk=item.pk).update(changed_on=timezone.localdate() - dt.timedelta(days=40))
    assert item in Item.objects.over_publication_limit()
    assert item not in Item.objects.near_publication_limit()
    Item.objects.filter(pk=item.pk).update(changed_on=timezone.localdate() - dt.timedelta(days=25))
    overdue, near = item in Item.objects.over_publication_limit(), item in Item.objects.near_publication_limit()
    assert overdue != near or not (overdue or near)  # never both


def test_publishing_the_revision_ends_its_art_26_watch(office):
    item = office.published()
    services.start_revision(item, by=office.clerk)
    Item.objects.filter(pk=item.pk).update(changed_on=timezone.localdate() - dt.timedelta(days=40))
    item.refresh_from_db()
    services.update_draft(item, by=office.clerk, data={"summary": "修订"})
    services.submit(item, by=office.clerk)
    item = services.publish(office.approve_all(item), by=office.office)
    item.refresh_from_db()
    assert item.changed_on is None and item not in Item.objects.over_publication_limit()


def test_repeal_and_withdrawal_signal_the_public_change(office, django_capture_on_commit_callbacks):
    received = []

    def handler(sender, item_id, organ_id, **kwargs):
        received.append(item_id)

    item = office.published()
    item_public_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.change_validity(item, by=office.office, validity=Validity.EXPIRED, on=timezone.localdate(), explanation="有效期届满")
        with django_capture_on_commit_callbacks(execute=True):
            services.withdraw(item, by=office.office, reason="内容重复")
    finally:
        item_public_changed.disconnect(handler)
    assert received == [item.pk, item.pk]


def test_the_allowed_actions_follow_role_and_state(office):
    item = office.draft()
    assert services.allowed_actions(item, office.clerk) >= {"edit", "submit"}
    assert services.allowed_actions(item, office.head) == set()
    services.submit(item, by=office.clerk)
    item.refresh_from_db()  # the service moved the row, not this copy
    assert "review" in services.allowed_actions(item, office.head)
    assert "review" not in services.allowed_actions(item, office.deputy)
    item = office.approve_all(item)
    assert "publish" in services.allowed_actions(item, office.webadmin)
    assert "publish" not in services.allowed_actions(item, office.clerk)


def test_the_author_recalls_a_submission_and_the_decisions_are_kept(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.APPROVE)
    services.recall(item, by=office.clerk)
    item.refresh_from_db()
    signoff = Signoff.objects.for_subject(item).get()
    assert item.state == ItemState.RETURNED
    assert signoff.status == SignoffStatus.WITHDRAWN and signoff.decisions.count() == 1


def test_a_reviewer_cannot_recall(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    with pytest.raises(NotAllowed):
        services.recall(item, by=office.head)
