"""The audit trail's hash chain: appends, verification, tampering found, archives."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongkai.core import chain
from gongkai.core.audit import log_action, record_many
from gongkai.core.models import AuditChainHead, AuditEvent
from gongkai.factories import OrganFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organ(db):
    return OrganFactory()


def _events(organ, n=3):
    return [log_action(organ, "test.changed", reason=f"reason {i}", data={"n": i, "text": "中文", "list": [1.5, None]})
            for i in range(n)]


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_event_carries_the_hash_of_the_one_before(organ):
    first, second, third = _events(organ)
    assert (first.seq, second.seq, third.seq) == (first.seq, first.seq + 1, first.seq + 2)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len(first.hash) == 64 and first.hash_alg == "sha256"
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.hash == second.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (third.seq, third.hash)
    result = chain.verify_chain()
    assert result.ok and result.checked == AuditEvent.objects.count()


def test_bulk_events_are_appended_to_the_same_chain(organ):
    from django.contrib.contenttypes.models import ContentType

    before = _events(organ, 1)[0]
    kind = ContentType.objects.get_for_model(type(organ))
    made = record_many([AuditEvent(actor_name="system", organ=organ, action="test.bulk", target_type=kind,
                                   target_id=str(organ.pk), target_repr=str(organ), data={"i": i}) for i in range(1200)])
    assert made[0].prev_hash == before.hash and made[-1].seq == before.seq + 1200
    assert chain.verify_chain().ok


def test_audit_rows_are_written_only_by_the_chain_writer(organ):
    event = _events(organ, 1)[0]
    with pytest.raises(RuntimeError):
        AuditEvent.objects.create(actor_name="x", action="x", target_type_id=event.target_type_id, target_id="1")
    with pytest.raises(RuntimeError):
        AuditEvent.objects.bulk_create([AuditEvent(action="x", target_type_id=event.target_type_id, target_id="1")])
    with pytest.raises(RuntimeError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_admin_can_neither_add_change_nor_delete_events(rf):
    from django.contrib.admin.sites import site

    admin = site._registry[AuditEvent]
    request = rf.get("/")
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


def test_verify_finds_the_first_row_changed_with_a_raw_update(organ):
    events = _events(organ, 5)
    _raw("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["rewritten", events[1].pk])
    _raw("UPDATE core_auditevent SET actor_name = %s WHERE id = %s", ["someone", events[3].pk])
    result = chain.verify_chain()
    assert not result.ok
    assert result.broken.id == events[1].pk and result.broken.problem == "hash"
    assert result.broken.found == events[1].hash and result.broken.expected != events[1].hash
    with pytest.raises(CommandError) as caught:
        call_command("verify_audit_chain")
    assert caught.value.returncode == 1
    assert f"row id={events[1].pk}" in str(caught.value)


def test_verify_finds_a_recomputed_hash_by_the_broken_link_after_it(organ):
    """Whoever rewrites a row and its hash still breaks the next row's prev_hash."""
    events = _events(organ, 3)
    values = chain.event_values(AuditEvent.objects.filter(pk=events[1].pk).values_list(*chain.COLUMNS).get(),
                                chain._Labels(chain._content_type_labels()))
    values["reason"] = "rewritten"
    forged = chain.compute_hash(values)
    _raw("UPDATE core_auditevent SET reason = %s, hash = %s WHERE id = %s", ["rewritten", forged, events[1].pk])
    result = chain.verify_chain()
    assert result.broken.id == events[2].pk and result.broken.problem == "prev_hash"


@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_verify_finds_a_removed_row_and_a_removed_tail(organ):
    events = _events(organ, 4)
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[3].pk])
    result = chain.verify_chain()
    assert result.broken.problem == "head"
    _raw("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    result = chain.verify_chain()
    assert result.broken.id == events[2].pk and result.broken.problem == "seq"


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_audit_rows(organ):
    from django.db import DatabaseError, transaction

    event = _events(organ, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_row_inserted_outside_the_chain_is_reported(organ):
    event = _events(organ, 1)[0]
    _raw("INSERT INTO core_auditevent (at, actor_name, action, target_type_id, target_id, target_repr, reason, data, "
         "prev_hash, hash, hash_alg) SELECT at, 'x', 'forged', target_type_id, target_id, '', '', data, '', '', '' "
         "FROM core_auditevent WHERE id = %s", [event.pk])
    result = chain.verify_chain()
    assert result.broken.problem == "unchained"


def test_rows_from_before_the_chain_are_chained_in_id_order(organ):
    """What the migration does for the history: rows without a place get one."""
    _events(organ, 2)
    _raw("INSERT INTO core_auditevent (at, actor_name, action, target_type_id, target_id, target_repr, reason, data, "
         "prev_hash, hash, hash_alg) SELECT at, 'old', 'legacy', target_type_id, target_id, '', '', data, '', '', '' "
         "FROM core_auditevent")
    assert chain.rechain() == 2
    assert chain.rechain() == 0
    assert chain.verify_chain().ok
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)[2:]) == ["legacy", "legacy"]


def test_sm3_when_configured_and_both_verify(organ, settings):
    _events(organ, 2)
    settings.AUDIT_HASH_ALGORITHM = "sm3"
    events = _events(organ, 2)
    assert events[0].hash_alg == "sm3"
    from gmssl import sm3

    values = chain.event_values(AuditEvent.objects.filter(pk=events[0].pk).values_list(*chain.COLUMNS).get(),
                                chain._Labels(chain._content_type_labels()))
    assert events[0].hash == sm3.sm3_hash(list(chain.canonical(values)))  # OpenSSL and gmssl agree
    result = chain.verify_chain()
    assert result.ok and result.algorithms == {"sha256", "sm3"}


def test_the_command_reports_an_intact_chain(organ, capsys):
    _events(organ, 2)
    call_command("verify_audit_chain")
    assert "audit chain intact" in capsys.readouterr().out


def _export(tmp_path, settings, key=""):
    settings.AUDIT_ARCHIVE_KEY = key
    path = tmp_path / "audit.jsonl"
    call_command("export_audit_archive", "--from", "2000-01-01", "--until", "2100-01-01", "--output", str(path))
    return path


def test_an_archive_verifies_offline_and_shows_tampering(organ, tmp_path, settings):
    events = _events(organ, 4)
    path = _export(tmp_path, settings, key="archive-secret")
    lines = path.read_bytes().splitlines()
    assert len(lines) == AuditEvent.objects.count() + 1
    manifest = json.loads(lines[-1])["manifest"]
    assert manifest["last_hash"] == events[-1].hash and manifest["hmac_sha256"]
    result, _manifest = chain.verify_archive(path, key=b"archive-secret")
    assert result.ok
    call_command("verify_audit_archive", str(path))

    # a wrong key: the signature fails
    assert chain.verify_archive(path, key=b"another").__getitem__(0).broken.problem == "signature"
    # one event changed in the file: its hash fails
    row = json.loads(lines[1])
    row["reason"] = "rewritten"
    lines[1] = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    path.write_bytes(b"\n".join(lines) + b"\n")
    result, _manifest = chain.verify_archive(path)
    assert result.broken.id == row["id"] and result.broken.problem == "hash"
    settings.AUDIT_ARCHIVE_KEY = ""
    with pytest.raises(CommandError):
        call_command("verify_audit_archive", str(path))


def test_an_archive_of_a_period_without_events_is_a_manifest(organ, tmp_path, settings):
    _events(organ, 1)
    path = tmp_path / "empty.jsonl"
    call_command("export_audit_archive", "--from", "2001-01-01", "--until", "2001-02-01", "--output", str(path))
    result, manifest = chain.verify_archive(path)
    assert result.ok and manifest["events"] == 0
