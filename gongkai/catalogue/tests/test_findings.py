"""The confidentiality reviewer's findings panel: marking, one-click masking into a new version, one return."""

import pytest
from django.urls import reverse

from gongkai.catalogue import services
from gongkai.catalogue.models import ItemState
from gongkai.catalogue.tests.factories import Office
from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.sensitive.masking import masked_form
from gongkai.sensitive.models import FindingKind, FindingStatus
from gongkai.signoff.models import Decision, Signoff, SignoffStatus

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def office():
    return Office()


def _at_secrecy_step(office, body):
    item = office.draft(body=body)
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.APPROVE)
    item.refresh_from_db()
    return item


def test_masked_forms_keep_the_ends_of_numbers_and_the_first_character_of_words():
    assert masked_form(FindingKind.ID_NUMBER, ID_NUMBER) == "1101**********002X"
    assert masked_form(FindingKind.ID_NUMBER, "110105 19491231 002x") == "1101**********002X"
    assert masked_form(FindingKind.MOBILE, "138-1234-5678") == "138****5678"
    assert masked_form(FindingKind.MOBILE, "１３８１２３４５６７８") == "138****5678"
    assert masked_form(FindingKind.BANK_CARD, "6222020200112233446") == "6222***********3446"
    assert masked_form(FindingKind.WORD, "张三丰") == "张**"
    assert masked_form(FindingKind.SECRECY_MARK, "★") == "*"


def test_the_preview_shows_the_masked_text_without_changing_anything(office):
    item = _at_secrecy_step(office, f"<p>申请人身份证号{ID_NUMBER}，请核实。</p>")
    finding = services.findings_of(item, 1).get()
    preview = services.mask_preview(finding)
    assert preview.masked == "1101**********002X"
    assert [p.after for p in preview.places] == ["申请人身份证号1101**********002X，请核实。"]
    item.refresh_from_db()
    assert ID_NUMBER in item.body
    assert item.versions.count() == 1


def test_masking_makes_a_new_version_and_the_sign_off_continues_on_it(office):
    item = _at_secrecy_step(office, f"<p>身份证号{ID_NUMBER}，手机13812345678</p>")
    signoff = services.pending_signoff(item)
    id_finding = services.findings_of(item, 1).get(kind=FindingKind.ID_NUMBER)
    version = services.mask_finding(id_finding, by=office.secrecy)
    item.refresh_from_db()
    assert version.number == 2
    assert "1101**********002X" in item.body and ID_NUMBER not in item.body
    assert version.content_hash == services.content_hash(services.snapshot(item))
    signoff.refresh_from_db()
    assert (signoff.status, signoff.version, signoff.content_hash) == (SignoffStatus.PENDING, 2, version.content_hash)
    assert signoff.current_role == "confidentiality_reviewer"  # the department head's decision stands
    masked = services.findings_of(item, 2).get(kind=FindingKind.ID_NUMBER)
    assert (masked.status, masked.masked_as, masked.resolved_by) == (FindingStatus.MASKED, "1101**********002X", office.secrecy)
    assert services.findings_of(item, 2).get(kind=FindingKind.MOBILE).status == FindingStatus.OPEN
    event = trail_for(item).filter(action="catalogue.finding_masked").get()
    assert event.actor == office.secrecy and event.data["version"] == 2 and event.data["from_version"] == 1
    assert trail_for(signoff).filter(action="signoff.amended").exists()


def test_after_masking_every_finding_the_chain_approves_and_publishes_the_masked_text(office):
    item = _at_secrecy_step(office, f"<p>身份证号{ID_NUMBER}</p>")
    services.mask_finding(services.findings_of(item, 1).get(), by=office.secrecy)
    item = office.approve_all(item)
    assert item.state == ItemState.APPROVED
    item = services.publish(item, by=office.webadmin)
    assert "1101**********002X" in item.body


def test_masking_a_revision_leaves_the_published_text_until_it_is_published(office):
    item = office.published(body="<p>公开正文</p>")
    services.start_revision(item, by=office.clerk)
    services.update_draft(item, by=office.clerk, data={"body": "<p>联系人手机13812345678</p>"})
    services.submit(item, by=office.clerk)
    services.review(item, by=office.head, decision=Decision.APPROVE)
    version = services.mask_finding(services.findings_of(item).get(status=FindingStatus.OPEN), by=office.secrecy)
    item.refresh_from_db()
    assert item.body == "<p>公开正文</p>"
    assert "138****5678" in version.data["body"]


def test_only_the_confidentiality_reviewer_masks(office):
    item = _at_secrecy_step(office, f"<p>{ID_NUMBER}</p>")
    with pytest.raises(NotAllowed):
        services.mask_finding(services.findings_of(item, 1).get(), by=office.head)


def test_a_passage_only_in_an_attachment_cannot_be_masked(office):
    item = _at_secrecy_step(office, "<p>机密</p>")
    finding = services.findings_of(item, 1).get()
    finding.match = "不在正文中"
    finding.save()
    with pytest.raises(DomainError):
        services.mask_finding(finding, by=office.secrecy)


def test_one_return_carries_every_finding_still_to_change(office):
    item = _at_secrecy_step(office, f"<p>身份证号{ID_NUMBER}，手机13812345678，机密</p>")
    findings = {f.kind: f for f in services.findings_of(item, 1)}
    services.resolve_finding(findings[FindingKind.SECRECY_MARK], by=office.secrecy, resolution=FindingStatus.FALSE_POSITIVE, note="机构名称")
    services.resolve_finding(findings[FindingKind.MOBILE], by=office.secrecy, resolution=FindingStatus.REDACTION, note="删去手机号")
    with pytest.raises(DomainError):  # approving is refused while a finding waits for the author
        services.review(item, by=office.secrecy, decision=Decision.APPROVE)
    assert "return_for_redaction" in services.allowed_actions(item, office.secrecy)
    services.return_for_changes(item, by=office.secrecy, note="删去个人信息")
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
    assert Signoff.objects.for_subject(item).get().status == SignoffStatus.WITHDRAWN
    statuses = {f.kind: f.status for f in services.findings_of(item, 1)}
    assert statuses == {
        FindingKind.ID_NUMBER: FindingStatus.REDACTION, FindingKind.MOBILE: FindingStatus.REDACTION,
        FindingKind.SECRECY_MARK: FindingStatus.FALSE_POSITIVE,
    }
    events = trail_for(item).filter(action="catalogue.returned_for_redaction")
    assert events.count() == 1
    assert sorted(events.get().data["findings"]) == sorted([findings[FindingKind.ID_NUMBER].pk, findings[FindingKind.MOBILE].pk])


def test_a_return_needs_something_to_change_and_a_reason(office):
    item = _at_secrecy_step(office, "<p>机密</p>")
    with pytest.raises(DomainError):
        services.return_for_changes(item, by=office.secrecy, note="")
    services.resolve_finding(services.findings_of(item, 1).get(), by=office.secrecy, resolution=FindingStatus.FALSE_POSITIVE, note="机构名称")
    with pytest.raises(InvalidTransition):
        services.return_for_changes(item, by=office.secrecy, note="改")


def test_the_mask_page_shows_the_masked_text_then_applies_it(client, office):
    item = _at_secrecy_step(office, f"<p>身份证号{ID_NUMBER}</p>")
    finding = services.findings_of(item, 1).get()
    client.force_login(office.secrecy)
    page = client.get(reverse("workspace:item", args=[item.pk]))
    assert reverse("workspace:finding_mask", args=[finding.pk]).encode() in page.content
    url = reverse("workspace:finding_mask", args=[finding.pk])
    preview = client.get(url)
    assert preview.status_code == 200
    assert "1101**********002X" in preview.content.decode()
    item.refresh_from_db()
    assert ID_NUMBER in item.body
    client.post(url, {"note": ""})
    item.refresh_from_db()
    assert "1101**********002X" in item.body


def test_the_mask_page_and_the_return_refuse_other_roles(client, office):
    item = _at_secrecy_step(office, f"<p>身份证号{ID_NUMBER}</p>")
    finding = services.findings_of(item, 1).get()
    client.force_login(office.clerk)
    assert client.get(reverse("workspace:finding_mask", args=[finding.pk])).status_code == 403
    assert client.post(reverse("workspace:item_return_for_changes", args=[item.pk]), {"reason": "改"}).status_code == 403
    item.refresh_from_db()
    assert item.state == ItemState.IN_REVIEW


def test_the_return_view_returns_the_item_once(client, office):
    item = _at_secrecy_step(office, f"<p>身份证号{ID_NUMBER}</p>")
    client.force_login(office.secrecy)
    page = client.get(reverse("workspace:item", args=[item.pk])).content.decode()
    assert 'id="return-for-changes"' in page
    client.post(reverse("workspace:item_return_for_changes", args=[item.pk]), {"reason": "删去身份证号"})
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED
