"""随复函提供的信息: the files released with a reply go through the reply's sign-off pinned by their SHA-256, pass
the virus and sensitive-content checks, and reach the applicant by the way chosen — signed, expiring links on the
case page (every download audited), e-mail attachments up to a size, or listed in the letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongkai.applications import services
from gongkai.applications.models import Application, ReleasedFile, ReplyStatus, Status
from gongkai.applications.services import released
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.tests.factories import person_data
from gongkai.catalogue.tests.factories import docx_upload
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.core.models import AuditEvent, FileCheck
from gongkai.factories import OrganFactory, member
from gongkai.organs.models import Role
from gongkai.sensitive.models import FindingStatus
from gongkai.signoff.models import Decision

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def case(organ, clerk, chain_people):
    """An online application received and claimed; its applicant chose online delivery."""
    result = services.submit_application(organ=organ, channel="web", data=person_data(delivery_method="online"))
    services.confirm_receipt(result.application, by=clerk)
    application = services.claim(result.application, by=clerk)
    return {"application": application, "secret": result.secret, "clerk": clerk, "chain": chain_people}


def _checked(file: ReleasedFile) -> ReleasedFile:
    """What the background check does after the upload's transaction commits."""
    released.check_released_file(file.pk)
    file.refresh_from_db()
    return file


def _add(case, text="预算表正文", name="预算表.docx", **options) -> ReleasedFile:
    return _checked(released.add_file(case["application"], uploaded=docx_upload(text=text, name=name), by=case["clerk"], **options))


def _draft(case, outcome=Outcome.DISCLOSED):
    return services.draft_reply(case["application"], outcome=outcome, legal_basis="《条例》第三十六条", body="予以公开",
                                documents_provided="预算表", by=case["clerk"])


def _approve(case, reply):
    for person in case["chain"]:
        reply = services.decide_reply(reply, by=person, decision=Decision.APPROVE)
    return reply


def _sent(case, via="online", **draft):
    reply = services.submit_reply(_draft(case, **draft), by=case["clerk"])
    _approve(case, reply)
    return services.record_delivery(Application.objects.get(pk=case["application"].pk), via=via, by=case["clerk"],
                                    reference="张三" if via == "in_person" else "")


def _open_case(client, case):
    response = client.post(reverse("applications_public:case_login"),
                           {"tracking_number": case["application"].tracking_number, "secret": case["secret"]})
    assert response.status_code == 302


def _links(client, case) -> list[str]:
    page = client.get(reverse("applications_public:case", args=[case["application"].tracking_number]))
    return [f["url"] for f in page.context["released"] if f["url"]]


# --- sign-off pins the files --------------------------------------------------------------------------------------


def test_submission_pins_each_file_by_its_sha256(case):
    import hashlib

    file = _add(case)
    reply = _draft(case)
    text_hash = reply.content_hash
    reply = services.submit_reply(reply, by=case["clerk"])
    with file.file.open("rb") as stored:
        digest = hashlib.sha256(stored.read()).hexdigest()
    assert reply.files_manifest == [{"id": file.pk, "name": "预算表.docx", "size": file.size, "sha256": digest,
                                     "needs_redaction": False}]
    assert reply.content_hash != text_hash and reply.signoff.content_hash == reply.content_hash


def test_a_reply_without_files_keeps_the_hash_of_its_text(case):
    reply = _draft(case)
    assert services.submit_reply(reply, by=case["clerk"]).content_hash == reply.content_hash


def test_files_cannot_change_once_the_reply_is_in_sign_off(case):
    file = _add(case)
    services.submit_reply(_draft(case), by=case["clerk"])
    with pytest.raises(InvalidTransition):
        released.add_file(case["application"], uploaded=docx_upload(), by=case["clerk"])
    with pytest.raises(InvalidTransition):
        released.remove_file(file, by=case["clerk"], reason="换一份")
    assert ReleasedFile.objects.current().filter(application=case["application"]).count() == 1


def test_a_decision_on_changed_files_is_refused(case):
    file = _add(case)
    reply = services.submit_reply(_draft(case), by=case["clerk"])
    ReleasedFile.objects.filter(pk=file.pk).update(sha256="0" * 64)  # the row changed behind the workflow's back
    with pytest.raises(InvalidTransition):
        services.decide_reply(reply, by=case["chain"][0], decision=Decision.APPROVE)


def test_a_file_changed_on_disk_after_sign_off_is_not_released(case):
    file = _add(case)
    _approve(case, services.submit_reply(_draft(case), by=case["clerk"]))
    with file.file.storage.open(file.file.name, "wb") as stored:
        stored.write(b"another file")
    with pytest.raises(DomainError) as error:
        services.record_delivery(Application.objects.get(pk=case["application"].pk), via="online", by=case["clerk"])
    assert "SHA-256" in str(error.value.message)
    assert Application.objects.get(pk=case["application"].pk).status == Status.APPROVED


def test_only_a_disclosing_reply_releases_files(case):
    _add(case)
    reply = services.draft_reply(case["application"], outcome=Outcome.UNAVAILABLE_NOT_HELD, legal_basis="第三十六条第四项",
                                 body="本机关不掌握", by=case["clerk"])
    with pytest.raises(DomainError) as error:
        services.submit_reply(reply, by=case["clerk"])
    assert error.value.field == "files"


# --- checks: virus scan, sensitive content, redaction -------------------------------------------------------------


def test_a_file_waiting_for_its_virus_scan_blocks_submission(case):
    released.add_file(case["application"], uploaded=docx_upload(), by=case["clerk"])  # the check has not run
    with pytest.raises(DomainError) as error:
        services.submit_reply(_draft(case), by=case["clerk"])
    assert error.value.field == "files" and "附件.docx" in str(error.value.message)


def test_a_sensitive_finding_blocks_submission_until_resolved(case, office):
    file = _add(case, text="本文件为机密文件")
    [finding] = released.findings_of(file)
    with pytest.raises(DomainError):
        services.submit_reply(_draft(case), by=case["clerk"])
    with pytest.raises(NotAllowed):
        released.resolve_finding(finding, by=case["clerk"], resolution=FindingStatus.FALSE_POSITIVE, note="已解密")
    released.resolve_finding(finding, by=office, resolution=FindingStatus.FALSE_POSITIVE, note="已解密")
    assert services.submit_reply(_draft(case), by=case["clerk"]).status == ReplyStatus.IN_SIGNOFF


def test_partial_disclosure_releases_the_redacted_copy_only(case, office, client):
    file = _add(case, text="本文件为机密文件")
    [finding] = released.findings_of(file)
    released.resolve_finding(finding, by=office, resolution=FindingStatus.REDACTION, note="删除涉密段落")
    with pytest.raises(DomainError) as error:
        services.submit_reply(_draft(case, outcome=Outcome.PARTIAL), by=case["clerk"])
    assert "redacted copy" in str(error.value.message) or "删除处理" in str(error.value.message)
    redacted = docx_upload(text="本文件（已删除部分内容）", name="预算表（删除处理）.docx")
    content = redacted.read()
    file = _checked(released.add_redacted_copy(file, uploaded=redacted, by=case["clerk"]))
    application = _sent(case, outcome=Outcome.PARTIAL)
    reply = application.replies.get(status=ReplyStatus.SENT)
    assert reply.files_manifest[0]["redacted"]["sha256"] == file.redacted_sha256
    assert file.redacted_sha256 in application.letters.get(kind="reply").text
    _open_case(client, case)
    [url] = _links(client, case)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content


def test_the_redacted_copy_is_scanned_too(case, office):
    file = _add(case, text="普通内容", needs_redaction=True)
    file = _checked(released.add_redacted_copy(file, uploaded=docx_upload(text="仍含绝密字样"), by=case["clerk"]))
    assert [f.version for f in released.findings_of(file)] == [2]
    with pytest.raises(DomainError):
        services.submit_reply(_draft(case, outcome=Outcome.PARTIAL), by=case["clerk"])


def test_a_removed_file_is_kept_with_who_removed_it_and_why(case):
    file = _add(case)
    with pytest.raises(DomainError) as error:
        released.remove_file(file, by=case["clerk"], reason=" ")
    assert error.value.field == "reason"
    released.remove_file(file, by=case["clerk"], reason="文件有误")
    file.refresh_from_db()
    assert (file.removed_by, file.removal_reason) == (case["clerk"], "文件有误")
    assert released.manifest(case["application"]) == []
    assert AuditEvent.objects.filter(action="applications.released_file_removed").count() == 1


def test_a_file_of_the_wrong_type_is_refused_naming_the_field(case):
    with pytest.raises(DomainError) as error:
        released.add_file(case["application"], uploaded=SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20), by=case["clerk"])
    assert error.value.field == "file" and not ReleasedFile.objects.exists()


def test_a_published_catalogue_item_can_be_picked(case):
    from gongkai.catalogue import services as catalogue
    from gongkai.catalogue.tests.factories import Office, item_data

    office = Office(case["application"].organ)
    item = catalogue.create_draft(organ=office.organ, by=office.clerk, data=item_data(title="2025年部门预算"))
    with pytest.raises(DomainError):
        released.pick_item(case["application"], reference=str(item.pk), by=case["clerk"])  # not published
    catalogue.submit(item, by=office.clerk)
    item = catalogue.publish(office.approve_all(item), by=office.webadmin)
    picked = released.pick_item(case["application"], reference=item.index_number, by=case["clerk"])
    reply = services.submit_reply(_draft(case), by=case["clerk"])
    assert reply.files_manifest == [{"id": picked.pk, "name": "2025年部门预算", "item": item.pk}]


# --- delivery ---------------------------------------------------------------------------------------------------------


def test_the_applicant_downloads_through_a_signed_link_and_each_download_is_audited(case, client):
    _add(case)
    _sent(case)
    _open_case(client, case)
    [url] = _links(client, case)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="applications.released_file_downloaded").count() == 2


def test_a_tampered_or_foreign_link_is_not_found(case, client):
    first, second = _add(case), _add(case, name="第二份.docx")
    _sent(case)
    _open_case(client, case)
    number = case["application"].tracking_number
    token = released.download_token(first)
    assert client.get(reverse("applications_public:released_file", args=[number, second.pk, token])).status_code == 404
    assert client.get(reverse("applications_public:released_file", args=[number, first.pk, token[:-2] + "xx"])).status_code == 404


def test_an_expired_link_says_so_in_chinese(case, client):
    file = _add(case)
    _sent(case)
    _open_case(client, case)
    [url] = _links(client, case)
    ReleasedFile.objects.filter(pk=file.pk).update(available_until=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 410
    page = client.get(reverse("applications_public:case", args=[case["application"].tracking_number]))
    assert page.context["released_expired"] and not [f for f in page.context["released"] if f["url"]]
    assert "下载期限已于" in page.content.decode()


def test_a_link_older_than_the_period_has_expired(case, settings):
    from django.core import signing

    file = _add(case)
    _sent(case)
    file.refresh_from_db()
    old = signing.TimestampSigner(salt=released.LINK_SALT)
    old.timestamp = lambda: signing.b62_encode(int(timezone.now().timestamp()) - 31 * 86400)  # type: ignore[method-assign]
    assert released.check_token(file, old.sign(f"{file.application_id}.{file.pk}")) == released.EXPIRED
    assert released.check_token(file, released.download_token(file)) == released.VALID


def test_nobody_but_the_applicant_downloads(case, client, organ):
    _add(case)
    _sent(case)
    applicant = client
    _open_case(applicant, case)
    [url] = _links(applicant, case)
    from django.test import Client

    assert Client().get(url).status_code == 404  # anonymous
    staff = Client()
    staff.force_login(member(OrganFactory(), Role.CLERK))
    assert staff.get(url).status_code == 404  # another organ's staff
    other = services.submit_application(organ=organ, channel="web", data=person_data())
    someone = Client()
    someone.post(reverse("applications_public:case_login"),
                 {"tracking_number": other.application.tracking_number, "secret": other.secret})
    assert someone.get(url).status_code == 404  # another applicant


def test_nothing_is_downloadable_before_release(case, client):
    file = _add(case)
    _approve(case, services.submit_reply(_draft(case), by=case["clerk"]))
    _open_case(client, case)
    url = reverse("applications_public:released_file",
                  args=[case["application"].tracking_number, file.pk, released.download_token(file)])
    assert client.get(url).status_code == 404


def test_by_post_the_files_are_listed_without_links(case, client):
    file = _add(case)
    services.submit_reply(_draft(case), by=case["clerk"])
    reply = case["application"].replies.get()
    _approve(case, reply)
    services.record_delivery(Application.objects.get(pk=case["application"].pk), via="post", by=case["clerk"], reference="EMS1")
    _open_case(client, case)
    page = client.get(reverse("applications_public:case", args=[case["application"].tracking_number]))
    assert [f["name"] for f in page.context["released"]] == ["预算表.docx"] and not page.context["released"][0]["url"]
    url = reverse("applications_public:released_file",
                  args=[case["application"].tracking_number, file.pk, released.download_token(file)])
    assert client.get(url).status_code == 404
    assert "预算表.docx" in case["application"].letters.get(kind="reply").text


def test_by_email_the_files_are_attached_within_the_cap(case, mailoutbox, django_capture_on_commit_callbacks):
    _add(case)
    with django_capture_on_commit_callbacks(execute=True):
        _sent(case, via="email")
    [message] = [m for m in mailoutbox if "预算表.docx" in m.body]
    assert [name for name, _content, _mime in message.attachments] == ["预算表.docx"]


def test_by_email_above_the_cap_the_files_are_left_on_the_case_page(case, settings, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    settings.APPLICATIONS_RELEASE_EMAIL_MAX_BYTES = 10
    _add(case)
    with django_capture_on_commit_callbacks(execute=True):
        _sent(case, via="email")
    [message] = [m for m in mailoutbox if "预算表.docx" in m.body]
    assert message.attachments == [] and "预算表.docx" in message.body


# --- staff ------------------------------------------------------------------------------------------------------------


def test_reviewers_see_both_copies_and_other_organs_do_not(case, client):
    file = _add(case, needs_redaction=True)
    file = _checked(released.add_redacted_copy(file, uploaded=docx_upload(text="已删除", name="删除版.docx"), by=case["clerk"]))
    services.submit_reply(_draft(case, outcome=Outcome.PARTIAL), by=case["clerk"])
    pk = case["application"].pk
    client.force_login(case["chain"][0])
    page = client.get(reverse("applications_ws:detail", args=[pk])).content.decode()
    assert file.sha256 in page and file.redacted_sha256 in page
    for copy in ("original", "redacted"):
        assert client.get(reverse("applications_ws:released_file", args=[pk, file.pk, copy])).status_code == 200
    client.force_login(member(OrganFactory(), Role.DISCLOSURE_OFFICE))
    assert client.get(reverse("applications_ws:released_file", args=[pk, file.pk, "original"])).status_code == 403


def test_the_case_page_upload_form_adds_a_file(case, client):
    client.force_login(case["clerk"])
    pk = case["application"].pk
    response = client.post(reverse("applications_ws:action", args=[pk, "release_file"]),
                           {"file": docx_upload(name="上传.docx")})
    assert response.status_code == 302
    assert ReleasedFile.objects.get(application_id=pk).name == "上传.docx"
    empty = client.post(reverse("applications_ws:action", args=[pk, "release_file"]), {})
    assert empty.status_code == 400 and ReleasedFile.objects.filter(application_id=pk).count() == 1


def test_an_infected_file_blocks_submission(case, monkeypatch):
    from gongkai.core import virus_scan

    monkeypatch.setattr(virus_scan, "scan_stored", lambda field: virus_scan.ScanResult(clean=False, signature="Eicar"))
    file = _add(case)
    assert file.check_state == FileCheck.INFECTED
    with pytest.raises(DomainError):
        services.submit_reply(_draft(case), by=case["clerk"])


def test_png_files_are_released_as_they_are(case):
    file = _checked(released.add_file(case["application"], uploaded=SimpleUploadedFile("图.png", PNG), by=case["clerk"]))
    assert file.check_state == FileCheck.CLEAN and not list(released.findings_of(file))
