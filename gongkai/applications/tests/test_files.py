"""The files of a case (the applicant's uploads, notice letters, the reply) reach only the organ's staff, the
office supervising it, and the applicant who opened the case page; they are stored under random names."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.applications import letters, outbox, services
from gongkai.applications.models import LetterKind
from gongkai.applications.tests.factories import person_data
from gongkai.core.files import is_random_name
from gongkai.core.models import AuditEvent
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def case(db):
    """An online application with an ID copy, in an organ under a city government, and a correction notice."""
    government = GovernmentFactory()
    organ = OrganFactory(parent=government)
    clerk = member(organ, Role.CLERK)
    result = services.submit_application(
        organ=organ, channel="web", data=person_data(), attachments=[SimpleUploadedFile("身份证.png", PNG)],
    )
    services.confirm_receipt(result.application, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    application = result.application
    return {
        "application": application, "secret": result.secret, "organ": organ, "clerk": clerk,
        "supervisor": member(government, Role.DISCLOSURE_OFFICE),
        "other": member(OrganFactory(), Role.CLERK, Role.DISCLOSURE_OFFICE),
        "upload": application.attachments.get(), "letter": application.letters.get(kind=LetterKind.CORRECTION),
    }


def staff_urls(case) -> list[str]:
    a = case["application"]
    return [
        reverse("applications_ws:attachment", args=[a.pk, case["upload"].pk]),
        reverse("applications_ws:letter", args=[a.pk, case["letter"].pk, "pdf"]),
        reverse("applications_ws:letter", args=[a.pk, case["letter"].pk, "docx"]),
    ]


def public_urls(case) -> list[str]:
    number = case["application"].tracking_number
    return [
        reverse("applications_public:attachment", args=[number, case["upload"].pk]),
        reverse("applications_public:letter", args=[number, case["letter"].pk, "pdf"]),
    ]


def test_files_are_stored_under_random_names_and_keep_their_names_in_the_database(case):
    upload, letter = case["upload"], case["letter"]
    assert is_random_name(upload.file.name) and upload.name == "身份证.png" and "身份证" not in upload.file.name
    assert is_random_name(letter.pdf.name) and is_random_name(letter.docx.name)
    assert case["application"].tracking_number not in letter.pdf.name
    assert letter.download_name("pdf").startswith(case["application"].tracking_number)


def test_nothing_is_served_under_media_any_more(client, case):
    for name in (case["upload"].file.name, case["letter"].pdf.name, case["letter"].docx.name):
        assert client.get(f"/media/{name}").status_code == 404


def test_anonymous_visitors_get_nothing(client, case):
    for url in staff_urls(case):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for url in public_urls(case):
        assert client.get(url).status_code == 404


def test_staff_of_another_organ_are_refused(client, case):
    client.force_login(case["other"])
    for url in staff_urls(case):
        assert client.get(url).status_code == 403
    for url in public_urls(case):
        assert client.get(url).status_code == 404


def test_staff_of_the_organ_download_and_the_download_is_audited(client, case):
    client.force_login(case["clerk"])
    response = client.get(staff_urls(case)[0])
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.png"
    assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
    letter = client.get(staff_urls(case)[1])
    assert letter.status_code == 200 and b"".join(letter.streaming_content).startswith(b"%PDF")
    events = AuditEvent.objects.filter(action="applications.file_downloaded", actor=case["clerk"])
    assert [e.data.get("name") for e in events.order_by("pk")] == ["身份证.png", case["letter"].download_name("pdf")]


def test_the_supervising_office_reads_the_files_of_the_organs_it_supervises(client, case):
    client.force_login(case["supervisor"])
    for url in staff_urls(case):
        assert client.get(url).status_code == 200


def test_the_applicant_with_the_case_session_downloads_their_own_files(client, case):
    a = case["application"]
    client.post(reverse("applications_public:case_login"), {"tracking_number": a.tracking_number, "secret": case["secret"]})
    page = client.get(reverse("applications_public:case", args=[a.tracking_number])).content.decode()
    assert public_urls(case)[0] in page and "身份证.png" in page
    for url in public_urls(case):
        response = client.get(url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert not AuditEvent.objects.filter(action="applications.file_downloaded").exists()


def test_the_applicant_gets_the_pdf_and_never_an_editable_word_copy(client, case):
    a = case["application"]
    client.post(reverse("applications_public:case_login"), {"tracking_number": a.tracking_number, "secret": case["secret"]})
    page = client.get(reverse("applications_public:case", args=[a.tracking_number])).content.decode()
    docx = reverse("applications_public:letter", args=[a.tracking_number, case["letter"].pk, "docx"])
    assert docx not in page and case["letter"].number in page
    assert client.get(docx).status_code == 404
    client.force_login(case["clerk"])
    assert client.get(staff_urls(case)[2]).status_code == 200  # staff keep the Word copy


def test_the_applicant_without_the_session_gets_nothing_even_with_the_number(client, case):
    client.post(
        reverse("applications_public:case_login"), {"tracking_number": case["application"].tracking_number, "secret": "wrong-secret"}
    )
    for url in public_urls(case):
        assert client.get(url).status_code == 404


def test_the_applicant_of_another_case_gets_nothing(client, case):
    other = services.submit_application(organ=case["organ"], channel="web", data=person_data(subject="另一件申请"))
    client.post(
        reverse("applications_public:case_login"), {"tracking_number": other.application.tracking_number, "secret": other.secret}
    )
    for url in public_urls(case):
        assert client.get(url).status_code == 404
    number = other.application.tracking_number
    assert client.get(reverse("applications_public:attachment", args=[number, case["upload"].pk])).status_code == 404
    assert client.get(reverse("applications_public:letter", args=[number, case["letter"].pk, "pdf"])).status_code == 404


def test_an_unknown_format_is_not_found(client, case):
    client.force_login(case["clerk"])
    a = case["application"]
    for fmt in ("txt", ".."):
        assert client.get(f"/workspace/applications/{a.pk}/letters/{case['letter'].pk}/{fmt}/").status_code == 404
    # a NUL never reaches the view: the input-cleaning layer refuses it
    assert client.get(f"/workspace/applications/{a.pk}/letters/{case['letter'].pk}/pdf%00/").status_code == 400


def test_the_reply_email_attaches_the_letter_under_its_own_name(case):
    from gongkai.notify.models import Notification

    a = case["application"]
    letter = letters.make_letter(a, LetterKind.REPLY, extra={"outcome": "disclosed"})
    outbox.reply_sent(a, via="email")
    sent = Notification.objects.filter(event="applicant.reply_email").get()
    assert sent.attachment == letter.pdf.name and sent.attachment_name == letter.download_name("pdf")
