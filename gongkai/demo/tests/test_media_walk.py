"""The demo city's whole media tree, walked on disk: no stored file reaches an anonymous visitor by any address
(/media/<path>, or the download views with every id tried), except the attachments of items published now and
the files of published annual reports — which are public by law."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.applications.models import Application, ApplicationAttachment, CaseLetter
from gongkai.catalogue.models import Attachment, Item, ItemState
from gongkai.core.files import is_random_name
from gongkai.reports.models import AnnualReport, ReportStatus

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo_media(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-walk-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        from django.db import transaction

        with transaction.atomic():
            from gongkai.factories import reseed_if_flushed

            reseed_if_flushed()
            call_command("load_demo", if_empty=True, items=0, stdout=io.StringIO())
            yield media
            transaction.set_rollback(True)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def tree(demo_media, settings):
    settings.MEDIA_ROOT = demo_media
    files = {str(p.relative_to(demo_media)): digest(p.read_bytes()) for p in Path(demo_media).rglob("*") if p.is_file()}
    public = {a.file.name for a in Attachment.objects.select_related("item") if a.is_public}
    for report in AnnualReport.objects.filter(status=ReportStatus.PUBLISHED):
        public |= {report.docx_file.name, report.pdf_file.name} - {""}
    return {"files": files, "public": public, "public_digests": {files[name] for name in public}}


def test_the_demo_stores_every_kind_of_file_and_all_under_random_names(tree):
    files = tree["files"]
    assert files and all(is_random_name(name) for name in files), [n for n in files if not is_random_name(n)]
    stored = set(files)
    assert {a.file.name for a in ApplicationAttachment.objects.all()} <= stored and ApplicationAttachment.objects.exists()
    assert {a.name for a in ApplicationAttachment.objects.all()} >= {"身份证.png"}
    letters = {f.name for letter in CaseLetter.objects.all() for f in (letter.docx, letter.pdf) if f}
    assert letters and letters <= stored
    by_state = {state: Attachment.objects.filter(item__state=state).exists() for state in (ItemState.PUBLISHED, ItemState.DRAFT, ItemState.WITHDRAWN)}
    assert all(by_state.values()), by_state
    assert Attachment.objects.filter(item__state=ItemState.PUBLISHED, is_current=False).exists()  # a revision's new file
    assert tree["public"] and tree["public"] < stored


def test_no_file_is_served_under_media(tree):
    client = Client()
    for name in tree["files"]:
        for url in (f"/media/{name}", f"/media/{quote(name)}", f"/media/{quote(name, safe='')}"):
            assert client.get(url).status_code == 404, url


def test_guessed_ids_give_anonymous_visitors_only_the_files_of_published_items_and_reports(tree):
    client = Client()
    served: list[tuple[str, str]] = []

    def fetch(url):
        response = client.get(url)
        if response.status_code == 200:
            served.append((url, digest(content(response))))
        else:
            # The workspace sends a visitor to sign in; a public address of a file nobody may see finds nothing.
            expected = 302 if url.startswith("/workspace/") else 404
            assert response.status_code == expected, (url, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
        return response

    top_attachment = (Attachment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 3
    for pk in range(1, top_attachment):
        fetch(f"/files/attachments/{pk}/")
    for item_pk in Item.objects.values_list("pk", flat=True):
        for pk in Attachment.objects.values_list("pk", flat=True):
            fetch(f"/workspace/items/{item_pk}/attachments/{pk}/")

    top_upload = (ApplicationAttachment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 2
    top_letter = (CaseLetter.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 2
    for application in Application.objects.all():
        number = application.tracking_number
        for pk in range(1, top_upload):
            fetch(f"/apply/case/{number}/attachments/{pk}/")
            fetch(f"/workspace/applications/{application.pk}/attachments/{pk}/")
        for pk in range(1, top_letter):
            for fmt in ("pdf", "docx"):
                fetch(f"/apply/case/{number}/letters/{pk}/{fmt}/")
                fetch(f"/workspace/applications/{application.pk}/letters/{pk}/{fmt}/")

    for report in AnnualReport.objects.select_related("organ"):
        for fmt in ("pdf", "docx"):
            if report.scope == "government":
                fetch(f"/annual-reports/{report.organ.slug}/{report.year}/government/report.{fmt}")
            else:
                fetch(f"/annual-reports/{report.organ.slug}/{report.year}/report.{fmt}")

    leaked = [(url, d) for url, d in served if d not in tree["public_digests"]]
    assert not leaked
    # and every public file is indeed reachable (the walk reaches what it should)
    assert {d for _url, d in served} == tree["public_digests"]
