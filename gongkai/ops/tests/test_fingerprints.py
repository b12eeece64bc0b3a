"""网页防篡改: a changed or deleted public file is found, put back from the kept copy, recorded and reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.catalogue import services
from gongkai.catalogue.tests.factories import Office, docx_upload
from gongkai.core.models import AuditEvent
from gongkai.notify.models import Notification
from gongkai.ops import fingerprints
from gongkai.ops.models import FileFingerprint, FingerprintArea, FingerprintState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("file_checks_run_at_once")]


@pytest.fixture(autouse=True)
def _trees(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.FINGERPRINT_COPY_DIR = tmp_path / "copies"
    (settings.STATIC_ROOT / "css").mkdir(parents=True)
    (settings.STATIC_ROOT / "css" / "site.css").write_text("body{color:#000}")


def published_with_attachment(office):
    item = office.draft(title="关于公开检查的通知")
    attachment = services.add_attachment(item, by=office.clerk, uploaded=docx_upload("检查表"))
    services.submit(item, by=office.clerk)
    office.approve_all(item)
    services.publish(item, by=office.webadmin)
    return item, attachment


def test_record_fingerprints_static_files_and_attachments_of_published_items_only(settings):
    office = Office()
    _item, attachment = published_with_attachment(office)
    draft = office.draft(title="草稿")
    services.add_attachment(draft, by=office.clerk, uploaded=docx_upload("草稿附件", name="草稿.docx"))
    fingerprints.record()
    rows = {(fp.area, fp.path): fp for fp in FileFingerprint.objects.all()}
    assert set(rows) == {(FingerprintArea.STATIC, "css/site.css"), (FingerprintArea.MEDIA, attachment.file.name)}
    assert rows[(FingerprintArea.MEDIA, attachment.file.name)].sha256 == attachment.sha256
    assert rows[(FingerprintArea.MEDIA, attachment.file.name)].organ == office.organ
    assert all(fp.has_copy for fp in rows.values())
    assert not str(settings.FINGERPRINT_COPY_DIR).startswith(str(settings.MEDIA_ROOT))


def test_a_changed_attachment_is_restored_audited_and_reported_to_the_organs_web_administrator(settings):
    office = Office()
    _item, attachment = published_with_attachment(office)
    fingerprints.record()
    on_disk = Path(settings.MEDIA_ROOT) / attachment.file.name
    original = on_disk.read_bytes()
    on_disk.write_bytes(b"defaced content")

    summary = fingerprints.verify()
    assert summary.changed == summary.restored == [f"media:{attachment.file.name}"]
    assert on_disk.read_bytes() == original
    fp = FileFingerprint.objects.get(path=attachment.file.name)
    assert fp.state == FingerprintState.RESTORED
    event = AuditEvent.objects.get(action="ops.file_tampered")
    assert event.organ == office.organ and event.data["restored"] is True
    assert Notification.objects.filter(recipient=office.webadmin, event="ops.file_tampered").exists()
    assert not Notification.objects.filter(recipient=office.clerk, event="ops.file_tampered").exists()
    assert fingerprints.verify().changed == []


def test_a_deleted_static_file_is_put_back_and_the_command_fails_loudly(settings):
    fingerprints.record()
    target = Path(settings.STATIC_ROOT) / "css" / "site.css"
    target.unlink()
    with pytest.raises(CommandError, match="1 file"):
        call_command("fingerprints", "verify")
    assert target.read_text() == "body{color:#000}"


def test_without_restore_the_change_is_reported_and_left_in_place(settings):
    fingerprints.record()
    target = Path(settings.STATIC_ROOT) / "css" / "site.css"
    target.write_text("body{background:url(//evil.example/x)}")
    summary = fingerprints.verify(restore=False)
    assert summary.changed and not summary.restored
    assert "evil" in target.read_text()
    assert FileFingerprint.objects.get(path="css/site.css").state == FingerprintState.CHANGED


def test_an_attachment_changed_before_it_was_ever_recorded_is_caught_by_its_upload_hash(settings):
    office = Office()
    _item, attachment = published_with_attachment(office)
    on_disk = Path(settings.MEDIA_ROOT) / attachment.file.name
    on_disk.write_bytes(b"changed before the first check")
    fingerprints.record()
    fp = FileFingerprint.objects.get(path=attachment.file.name)
    assert fp.sha256 == attachment.sha256 and not fp.has_copy
    summary = fingerprints.verify()
    assert summary.unrestorable == [f"media:{attachment.file.name}"]
    assert FileFingerprint.objects.get(pk=fp.pk).state == FingerprintState.CHANGED


def test_a_withdrawn_items_attachment_is_no_longer_checked(settings):
    from gongkai.catalogue.models import Item, ItemState

    office = Office()
    item, attachment = published_with_attachment(office)
    fingerprints.record()
    Item.objects.filter(pk=item.pk).update(state=ItemState.WITHDRAWN)
    assert fingerprints.record().retired == 1
    assert FileFingerprint.objects.get(path=attachment.file.name).state == FingerprintState.RETIRED


def test_the_periodic_job_records_and_verifies(settings):
    from gongkai.ops.tasks import check_fingerprints

    assert "ops-check-fingerprints" in settings.CELERY_BEAT_SCHEDULE
    result = check_fingerprints.delay().get()
    assert result["recorded"] == 1 and result["checked"] == 1 and result["changed"] == 0
