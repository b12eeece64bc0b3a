"""Backup → wipe → restore: every row and every file comes back identical, and
search answers the same. Runs on SQLite in the normal suite and on PostgreSQL
in the PostgreSQL pass (this file's tests are transactional: a restore replaces
the whole database)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from gongkai.catalogue import services
from gongkai.catalogue.tests.factories import Office, docx_upload
from gongkai.ops import backup
from gongkai.search import index as ix
from gongkai.search.services import search

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def database_fingerprint() -> dict[str, str]:
    """Per table: the SHA-256 of all its rows (order-independent)."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            result[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return result


def files_fingerprint(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*")) if path.is_file()
    }


def make_content():
    office = Office()
    for n in range(3):
        item = office.draft(title=f"关于生态环境保护督查工作的通知第{n}号")
        services.add_attachment(item, by=office.clerk, uploaded=docx_upload(f"督查检查表正文{n}", name=f"检查表{n}.docx"))
        services.submit(item, by=office.clerk)
        office.approve_all(item)
        services.publish(item, by=office.webadmin)
    office.draft(title="未公开的草稿")
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    return office


def search_answer() -> list[int]:
    ix.forget_handles()
    return search("生态环境 督查", remember=False).ids


def test_backup_wipe_restore_gives_back_every_row_file_and_search_answer(tmp_path):
    make_content()
    media = Path(settings.MEDIA_ROOT)
    rows_before = database_fingerprint()
    files_before = files_fingerprint(media)
    answer_before = search_answer()
    assert len(files_before) >= 3 and len(answer_before) == 3

    folder = backup.backup(tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert {f"media/{name}" for name in files_before} <= set(manifest["files"])
    assert manifest["tables"]["catalogue_item"] == 4

    # The wipe: every table emptied, the media files and the index gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    ix.forget_handles()
    assert database_fingerprint() != rows_before

    call_command("restore", str(folder), "--yes", stdout=open("/dev/null", "w"))
    assert database_fingerprint() == rows_before
    assert files_fingerprint(media) == files_before
    assert search_answer() == answer_before


def test_a_backup_that_differs_from_its_manifest_is_refused_before_anything_changes(tmp_path):
    from django.core.management.base import CommandError

    make_content()
    folder = backup.backup(tmp_path / "backups")
    rows_before = database_fingerprint()
    attachment = next((folder / "media").rglob("*.docx"))
    attachment.write_bytes(attachment.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="changed: media/"):
        call_command("restore", str(folder), "--yes")
    (folder / "media" / "extra.txt").write_text("x")
    with pytest.raises(backup.BackupError, match="not in the manifest"):
        backup.verify(folder)
    assert database_fingerprint() == rows_before


def test_restore_keeps_the_media_files_it_replaces(tmp_path):
    make_content()
    folder = backup.backup(tmp_path / "backups")
    media = Path(settings.MEDIA_ROOT)
    (media / "written-after-the-backup.txt").write_text("kept")
    result = backup.restore(folder, rebuild_index=False)
    assert not (media / "written-after-the-backup.txt").exists()
    assert (result.media_set_aside / "written-after-the-backup.txt").read_text() == "kept"


@pytest.mark.postgres
def test_on_postgresql_the_round_trip_goes_through_pg_dump_and_pg_restore(tmp_path):
    make_content()
    rows_before = database_fingerprint()
    folder = backup.backup(tmp_path / "backups")
    assert json.loads((folder / "manifest.json").read_text())["database_file"] == "database.dump"
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    call_command("flush", interactive=False, verbosity=0)
    backup.restore(folder, rebuild_index=False)
    assert database_fingerprint() == rows_before


def test_a_backup_taken_while_the_site_writes_restores_with_matching_row_counts(tmp_path):
    """The manifest counts exactly what the dump holds, even with writes during the backup."""
    import threading

    from django.db import connections

    from gongkai.core.audit import log_action
    from gongkai.organs.models import Organ

    office = make_content()
    stop = threading.Event()
    written = []

    def writer():
        try:
            organ = Organ.objects.get(pk=office.organ.pk)
            while not stop.is_set():
                log_action(organ, "ops.test_write", reason=f"write {len(written)}")
                written.append(1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            pass
        folder = backup.backup(tmp_path / "backups")
    finally:
        stop.set()
        thread.join(30)
    assert len(written) > 5
    backup.restore(folder, rebuild_index=False)  # raises when a table's count differs from the manifest
    events = json.loads((folder / "manifest.json").read_text())["tables"]["core_auditevent"]
    from gongkai.core.models import AuditEvent

    assert AuditEvent.objects.count() == events
