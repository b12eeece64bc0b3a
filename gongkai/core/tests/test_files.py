"""Handing stored files over (gongkai.core.files): headers, the web-server modes, signed object-storage
addresses, random names, and the command that renames files stored before."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory

from gongkai.core.files import INLINE_TYPES, extension, is_random_name, random_name, serve

pytestmark = pytest.mark.django_db


class Stored:
    """What a FileField hands the view: a name and its storage."""

    def __init__(self, name, storage=default_storage):
        self.name, self.storage = name, storage


@pytest.fixture
def stored():
    return Stored(default_storage.save(random_name("attachments", 7, "报告.pdf"), ContentFile(b"%PDF-1.4 body")))


def request():
    return RequestFactory().get("/x/")


def test_random_names_keep_only_a_plain_extension():
    name = random_name("applications", 3, "张三 身份证.JPG")
    assert is_random_name(name) and name.startswith("applications/3/") and name.endswith(".jpg") and "张三" not in name
    assert extension("a.tar.gz") == ".gz" and extension("evil.p hp") == "" and extension("noext") == ""
    assert random_name("attachments", 1, "a.pdf") != random_name("attachments", 1, "a.pdf")
    assert not is_random_name("applications/2/36/身份证.jpg") and not is_random_name("attachments/1/2026/../x.pdf")


def test_the_download_carries_the_original_name_rfc_5987_and_safe_headers(stored):
    response = serve(request(), stored, filename="关于某事的通知.pdf", private=True)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E5%85%B3%E4%BA%8E%E6%9F%90%E4%BA%8B%E7%9A%84%E9%80%9A%E7%9F%A5.pdf"
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 body"


def test_only_harmless_types_are_shown_inline(stored):
    assert serve(request(), stored, filename="a.pdf", private=False, inline=True)["Content-Disposition"].startswith("inline;")
    for name in ("a.html", "a.svg", "a.xml", "a.docx", "a.js", "a"):
        response = serve(request(), stored, filename=name, private=False, inline=True)
        assert response["Content-Disposition"].startswith("attachment;"), name
    assert "image/svg+xml" not in INLINE_TYPES and "text/html" not in INLINE_TYPES


def test_public_files_are_revalidated_every_time(stored):
    assert serve(request(), stored, filename="a.pdf", private=False)["Cache-Control"] == "no-cache"


def test_nginx_mode_hands_the_file_to_an_internal_location(stored, settings):
    settings.FILE_SERVE_MODE, settings.FILE_SERVE_INTERNAL_PREFIX = "nginx", "/protected-files/"
    response = serve(request(), stored, filename="报告.pdf", private=True)
    assert response["X-Accel-Redirect"] == f"/protected-files/{stored.name}" and response.content == b""
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''") and response["Cache-Control"] == "private, no-store"


def test_sendfile_mode_names_the_file_on_disk(stored, settings):
    settings.FILE_SERVE_MODE = "sendfile"
    response = serve(request(), stored, filename="报告.pdf", private=True)
    assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / stored.name) and response.content == b""


def test_signed_mode_redirects_to_a_short_lived_address_on_object_storage(settings):
    from storages.backends.s3 import S3Storage

    settings.FILE_SERVE_MODE, settings.FILE_SIGNED_URL_SECONDS = "signed", 60
    storage = S3Storage(
        bucket_name="gongkai", endpoint_url="http://127.0.0.1:9", access_key="k", secret_key="s", default_acl="private",
        querystring_auth=True, region_name="us-east-1", signature_version="s3v4",
    )
    response = serve(request(), Stored("letters/1/2026/" + "a" * 32 + ".pdf", storage), filename="告知书.pdf", private=True)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ["attachment; filename*=utf-8''%E5%91%8A%E7%9F%A5%E4%B9%A6.pdf"]
    assert query["response-cache-control"] == ["private, no-store"]


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../settings.py", "attachments/../../x", "a\x00b"])
def test_names_that_leave_the_store_are_refused(name):
    with pytest.raises(Http404):
        serve(request(), Stored(name), filename="x.pdf", private=True)


def test_a_missing_file_is_not_found(settings):
    with pytest.raises(Http404):
        serve(request(), Stored(random_name("attachments", 1, "gone.pdf")), filename="gone.pdf", private=True)


def test_the_command_renames_files_stored_under_telling_names_once_and_loses_nothing(django_capture_on_commit_callbacks):
    from gongkai.applications import letters
    from gongkai.applications.models import ApplicationAttachment, CaseLetter
    from gongkai.applications.services import register_application
    from gongkai.applications.tests.factories import person_data
    from gongkai.factories import OrganFactory, member
    from gongkai.notify.models import Notification
    from gongkai.organs.models import Role

    organ = OrganFactory()
    clerk = member(organ, Role.CLERK)
    application = register_application(
        organ=organ, channel="letter", data=person_data(), received_on=__import__("datetime").date.today(), by=clerk
    ).application
    # As stored before: the applicant's file under its own name, a letter under the tracking number.
    old_upload = default_storage.save(f"applications/{organ.pk}/{application.pk}/身份证.jpg", ContentFile(b"\xff\xd8\xff id"))
    upload = ApplicationAttachment.objects.create(application=application, file=old_upload, name="身份证.jpg", kind="jpeg", size=7)
    letter = letters.make_letter(application, "receipt")
    old_pdf = default_storage.save(f"applications/{organ.pk}/{application.pk}/letters/{application.tracking_number}-receipt-1.pdf",
                                   ContentFile(b"%PDF-1.4 letter"))
    CaseLetter.objects.filter(pk=letter.pk).update(pdf=old_pdf, name="")
    mail = Notification.objects.create(channel="email", event="applicant.reply_email", subject="s", body="b", attachment=old_pdf)

    with django_capture_on_commit_callbacks(execute=True):  # the old files go once the rows are saved
        call_command("private_file_names", stdout=io.StringIO())
    upload.refresh_from_db()
    letter.refresh_from_db()
    mail.refresh_from_db()
    assert is_random_name(upload.file.name) and upload.name == "身份证.jpg"
    assert upload.file.open("rb").read() == b"\xff\xd8\xff id"
    assert is_random_name(letter.pdf.name) and letter.pdf.open("rb").read() == b"%PDF-1.4 letter"
    assert letter.name == f"{application.tracking_number}-receipt-1"
    assert mail.attachment.name == letter.pdf.name and mail.attachment_name == f"{application.tracking_number}-receipt-1.pdf"
    assert not default_storage.exists(old_upload) and not default_storage.exists(old_pdf)

    again = io.StringIO()
    call_command("private_file_names", stdout=again)
    upload.refresh_from_db()
    assert "0" in again.getvalue().split(";")[0] and is_random_name(upload.file.name)


def test_the_command_leaves_rows_whose_file_is_missing_as_they_are():
    from gongkai.catalogue.models import Attachment
    from gongkai.catalogue.tests.factories import AttachmentFactory

    attachment = AttachmentFactory()
    Attachment.objects.filter(pk=attachment.pk).update(file="attachments/1/ab/abcdef/丢失.pdf")
    out = io.StringIO()
    call_command("private_file_names", "--dry-run", stdout=out)
    call_command("private_file_names", stdout=out)
    attachment.refresh_from_db()
    assert attachment.file.name == "attachments/1/ab/abcdef/丢失.pdf"
    assert "丢失.pdf" in out.getvalue()
