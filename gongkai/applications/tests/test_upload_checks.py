"""Files applicants send: quarantine and virus scan, the daily limits of anonymous visitors,
archive bombs, and the Excel export's cells."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.applications.tests.factories import person_data, received
from gongkai.core.models import AuditEvent
from gongkai.core.tests import bombs
from gongkai.core.tests.fake_clamd import EICAR, clamd  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TOKEN = "u" * 32


def form_with(organ, client, files, token=TOKEN, address="127.0.0.1", **overrides):
    data = person_data(**overrides)
    data["form_token"] = token
    data["attachments"] = files
    return client.post(reverse("applications_public:form", args=[organ.slug]), data, REMOTE_ADDR=address)


def pdf(name="id.pdf", body=b""):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body + b"\n%%EOF\n")


def test_without_a_scanner_files_are_usable_at_once(client, organ, settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    form_with(organ, client, pdf())
    assert Application.objects.get().attachments.get().check_state == "clean"


def test_with_a_scanner_a_file_waits_in_quarantine_and_is_not_served(client, organ, clerk, clamd, recent_workday):  # noqa: F811
    result = services.register_application(
        organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk, attachments=[pdf()]
    )  # the scan job runs on commit, which a test never reaches
    attachment = result.application.attachments.get()
    assert attachment.check_state == "pending"
    client.force_login(clerk)
    url = reverse("applications_ws:attachment", args=[result.application.pk, attachment.pk])
    assert client.get(url).status_code == 404
    assert services.check_attachment(attachment.pk) == "clean"
    assert client.get(url).status_code == 200


def test_an_infected_file_is_refused_recorded_and_never_served(client, organ, clerk, clamd, recent_workday, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        result = services.register_application(
            organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk,
            attachments=[pdf(body=EICAR)],
        )
    attachment = result.application.attachments.get()
    assert attachment.check_state == "infected" and attachment.check_note == "Eicar-Test-Signature"
    event = AuditEvent.objects.get(action="applications.attachment_infected")
    assert event.data["signature"] == "Eicar-Test-Signature"
    client.force_login(clerk)
    assert client.get(reverse("applications_ws:attachment", args=[result.application.pk, attachment.pk])).status_code == 404


def test_an_unreachable_scanner_leaves_the_file_in_quarantine(organ, clerk, settings, tmp_path, recent_workday, django_capture_on_commit_callbacks):
    settings.CLAMD_SOCKET = str(tmp_path / "down.sock")
    with django_capture_on_commit_callbacks(execute=True):
        result = services.register_application(
            organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk, attachments=[pdf()]
        )
    assert result.application.attachments.get().check_state == "pending"


def test_an_anonymous_address_is_limited_in_files_per_day_and_the_form_keeps_what_was_typed(client, organ, settings):
    settings.ANONYMOUS_UPLOADS_PER_DAY = 2
    assert form_with(organ, client, [pdf("a.pdf"), pdf("b.pdf")]).status_code == 302
    response = form_with(organ, client, [pdf("c.pdf")], token="v" * 32, applicant_name="李四")
    assert response.status_code == 200
    assert "attachments" in response.context["form"].errors
    assert response.context["form"]["applicant_name"].value() == "李四"
    assert Application.objects.count() == 1
    assert form_with(organ, client, [], token="w" * 32).status_code == 302  # without files it still goes in
    other = form_with(organ, client, [pdf("d.pdf")], token="x" * 32, address="10.1.2.3")
    assert other.status_code == 302  # another address has its own allowance


def test_an_anonymous_address_is_limited_in_bytes_per_day(client, organ, settings):
    settings.ANONYMOUS_UPLOAD_BYTES_PER_DAY = 3000
    assert form_with(organ, client, [pdf(body=b"0" * 2000)]).status_code == 302
    response = form_with(organ, client, [pdf(body=b"0" * 2000)], token="v" * 32)
    assert "attachments" in response.context["form"].errors


def test_a_signed_in_applicant_is_not_held_to_the_anonymous_limit(client, organ, settings):
    from gongkai.factories import UserFactory

    settings.ANONYMOUS_UPLOADS_PER_DAY = 0
    client.force_login(UserFactory())
    assert form_with(organ, client, [pdf()]).status_code == 302


def test_an_archive_bomb_is_refused_on_the_public_form(client, organ):
    response = form_with(organ, client, [SimpleUploadedFile("身份证.docx", bombs.docx_bomb(8 * bombs.MB))])
    assert response.status_code == 200 and "attachments" in response.context["form"].errors
    assert not Application.objects.exists()


def test_the_excel_export_writes_formulas_typed_by_applicants_as_text(client, organ, clerk, recent_workday):
    import openpyxl

    received(organ, on=recent_workday, by=clerk, applicant_name='=HYPERLINK("http://evil.example","点击")', subject="@SUM(1+1)")
    client.force_login(clerk)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("applications_ws:export") + "?view=all").content)).active
    row = [cell for cell in sheet[2]]
    names = {cell.value: cell.data_type for cell in row if isinstance(cell.value, str)}
    assert names['\'=HYPERLINK("http://evil.example","点击")'] == "s"
    assert names["'@SUM(1+1)"] == "s"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
