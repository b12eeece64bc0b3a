"""Import: how rows are written (docs/import.md › "How it runs") — all or nothing, bad rows and index
numbers already in use reported with their row numbers, kept numbers, PostgreSQL's COPY settings."""

from __future__ import annotations

import pytest
from django.db import connection

from gongkai.catalogue.importing import run_import
from gongkai.catalogue.models import IndexCounter, Item
from gongkai.catalogue.signals import items_imported
from gongkai.catalogue.tests.test_importer import GOOD, GOOD_NO_NUMBER, csv_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def numbered(serial: int) -> str:
    return GOOD.replace("ORG1/2024-00007", f"ORG1/2024-{serial:05d}")


def test_a_number_in_use_among_good_rows_is_reported_with_its_row_and_nothing_is_imported(organ, user):
    run_import(csv_file(numbered(2)), organ=organ, by=user, dry_run=False, index=False)
    report = run_import(csv_file(numbered(1), numbered(2), numbered(3)), organ=organ, by=user, dry_run=False, index=False)
    assert [e.row for e in report.errors] == [3]
    assert "ORG1/2024-00002" in report.errors[0].messages[0]
    assert report.imported == 0
    assert Item.objects.count() == 1


def test_a_number_in_use_and_a_bad_row_are_both_reported(organ, user):
    run_import(csv_file(numbered(5)), organ=organ, by=user, dry_run=False, index=False)
    bad = numbered(6).replace("2024-03-05", "昨天")
    report = run_import(csv_file(numbered(4), bad, numbered(5)), organ=organ, by=user, dry_run=False, index=False)
    assert [e.row for e in report.errors] == [3, 4]
    assert Item.objects.count() == 1


def test_the_counter_is_not_raised_when_the_import_fails(organ, user):
    run_import(csv_file(numbered(5)), organ=organ, by=user, dry_run=False, index=False)
    run_import(csv_file(numbered(40), numbered(5)), organ=organ, by=user, dry_run=False, index=False)
    assert IndexCounter.objects.get(organ=organ, year=2024).last_serial == 5


def test_rows_without_a_number_are_numbered_after_the_kept_ones_of_the_same_file(organ, user):
    report = run_import(csv_file(numbered(9), GOOD_NO_NUMBER, numbered(3)), organ=organ, by=user, dry_run=False, index=False)
    assert report.imported == 3 and report.numbered == 1
    assert Item.objects.get(title="关于公布2024年技改项目的公告").index_number == "ORG1/2024-00010"
    assert sorted(Item.objects.values_list("index_serial", flat=True)) == [3, 9, 10]


def test_a_successful_import_tells_other_apps_which_items_it_wrote(organ, user, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    items_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import(csv_file(numbered(1), numbered(2)), organ=organ, by=user, dry_run=False, index=False)
    finally:
        items_imported.disconnect(receiver)
    ids = sorted(Item.objects.values_list("pk", flat=True))
    assert [(r["organ_id"], r["first_id"], r["last_id"]) for r in received] == [(organ.pk, ids[0], ids[-1])]


def test_a_failed_import_tells_nobody(organ, user, django_capture_on_commit_callbacks):
    received = []
    items_imported.connect(lambda sender, **kwargs: received.append(kwargs), weak=False, dispatch_uid="test-failed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import(csv_file(numbered(1), numbered(1)), organ=organ, by=user, dry_run=False, index=False)
    finally:
        items_imported.disconnect(dispatch_uid="test-failed")
    assert received == []


@pytest.mark.postgres
def test_on_postgres_the_import_keeps_every_trigger_and_constraint_of_the_table_on(organ, user):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("CREATE TEMPORARY TABLE rows_seen (id bigint)")
        cursor.execute(
            "CREATE FUNCTION pg_temp.seen() RETURNS trigger AS $$ BEGIN INSERT INTO rows_seen VALUES (NEW.id); "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        cursor.execute("CREATE TRIGGER seen AFTER INSERT ON catalogue_item FOR EACH ROW EXECUTE FUNCTION pg_temp.seen()")
    report = run_import(csv_file(numbered(1), numbered(2)), organ=organ, by=user, dry_run=False, index=False)
    assert report.imported == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM rows_seen")
        assert cursor.fetchone()[0] == 2  # a replica-mode session would have skipped the trigger
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        cursor.execute("DROP TRIGGER seen ON catalogue_item")


@pytest.mark.postgres
def test_on_postgres_a_role_that_is_not_a_superuser_imports_the_same_way(organ, user):
    with connection.cursor() as cursor:  # CREATE ROLE and SET LOCAL ROLE are undone with the test's transaction
        cursor.execute("CREATE ROLE gongkai_import_test NOSUPERUSER")
        cursor.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO gongkai_import_test")
        cursor.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO gongkai_import_test")
        cursor.execute("SET LOCAL ROLE gongkai_import_test")
    report = run_import(csv_file(numbered(1), numbered(2)), organ=organ, by=user, dry_run=False, index=False)
    assert report.imported == 2
    assert Item.objects.filter(organ=organ).count() == 2


@pytest.mark.postgres
def test_on_postgres_long_bodies_are_stored_compressed_with_lz4(organ, user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL was built without lz4")
    body = "各企业：请做好安全生产检查工作，建立台账，限期整改。" * 200
    run_import(csv_file(numbered(1).replace("各企业：请做好检查。", body)), organ=organ, by=user, dry_run=False, index=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_compression(body) FROM catalogue_item WHERE organ_id = %s", [organ.pk])
        assert cursor.fetchone()[0] == "lz4"


def test_the_search_index_takes_up_the_imported_items_unless_asked_not_to(organ, user, django_capture_on_commit_callbacks, monkeypatch):
    from gongkai.search import receivers

    queued = []
    monkeypatch.setattr(receivers.index_imported, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        run_import(csv_file(numbered(1)), organ=organ, by=user, dry_run=False, index=False)
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        run_import(csv_file(numbered(2)), organ=organ, by=user, dry_run=False)
    last = Item.objects.order_by("-pk").first().pk
    assert queued == [(organ.pk, last, last)]
