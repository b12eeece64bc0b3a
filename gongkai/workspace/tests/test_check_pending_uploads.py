import io

import pytest
from django.core.management import call_command

from gongkai.catalogue import services
from gongkai.catalogue.tests.factories import Office, docx_upload
from gongkai.core.tests.fake_clamd import EICAR, clamd  # noqa: F401 (fixture)


@pytest.fixture
def office(db):
    return Office()


@pytest.mark.django_db
def test_the_command_checks_files_left_in_quarantine(office, clamd):  # noqa: F811
    item = office.draft()
    clean = services.add_attachment(item, by=office.clerk, uploaded=docx_upload("检查表"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = services.add_attachment(item, by=office.clerk, uploaded=SimpleUploadedFile("附件.pdf", b"%PDF-1.4\n" + EICAR))
    out = io.StringIO()
    call_command("check_pending_uploads", stdout=out)
    clean.refresh_from_db()
    bad.refresh_from_db()
    item.refresh_from_db()
    assert clean.check_state == "clean" and "检查表" in item.attachments_text
    assert bad.check_state == "infected" and not bad.is_current
    assert "clean: 1" in out.getvalue() and "infected: 1" in out.getvalue()
    services.submit(item, by=office.clerk)  # nothing waits any more; the infected file is off the item
