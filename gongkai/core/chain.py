"""The audit trail as a hash chain (tamper evidence).

Every ``AuditEvent`` has a position ``seq`` (1, 2, 3, … without gaps), the
hash of the event before it (``prev_hash``) and its own ``hash``: a digest
(SHA-256, or SM3 when ``AUDIT_HASH_ALGORITHM = "sm3"``) of a canonical
serialisation of its fields and ``prev_hash``. Changing, removing or
inserting a row breaks the chain at that row; ``verify_chain`` finds the first
break. The one writer is ``append``: it locks the chain head (one row of
``AuditChainHead``; ``SELECT … FOR UPDATE`` on PostgreSQL, SQLite serialises
writers anyway), numbers and hashes the new events and inserts them in one
statement, so two transactions appending at once cannot fork the chain.

The serialisation (``canonical``) is plain JSON of a list and depends on
nothing but the event's values, so an archive file (``export_archive``) is
checked offline with this module alone (``verify_archive``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the prev_hash of the first event
ALGORITHMS = ("sha256", "sm3")
ARCHIVE_FORMAT = "gongkai-audit-archive/1"


def digest(algorithm: str, payload: bytes) -> str:
    if algorithm == "sha256":
        return hashlib.sha256(payload).hexdigest()
    if algorithm == "sm3":
        try:
            return hashlib.new("sm3", payload).hexdigest()  # OpenSSL's SM3
        except ValueError:  # an OpenSSL built without it: gmssl, pure Python (about 1,000 times slower)
            from gmssl import sm3

            return sm3.sm3_hash(list(payload))
    raise ValueError(f"unknown audit hash algorithm {algorithm!r}")


def format_time(value: datetime) -> str:
    """UTC with microseconds: the same text for the same instant on every database."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalise_data(data) -> dict:
    """The details as they come back from the database (JSON round trip)."""
    return json.loads(json.dumps(data or {}, ensure_ascii=False))


def canonical(values: dict) -> bytes:
    """The bytes that are hashed. ``values`` holds the event's fields as plain
    values (see ``event_values``); the list order is fixed, the details are
    serialised with sorted keys."""
    row = [
        values["seq"], values["at"], values["actor_id"], values["actor_name"], values["organ_id"], values["action"],
        values["target_type"], values["target_id"], values["target_repr"], values["reason"], values["data"],
        values["prev_hash"], values["alg"],
    ]
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def compute_hash(values: dict) -> str:
    return digest(values["alg"], canonical(values))


# Columns read for each event (values_list order) and how each becomes a canonical value.
COLUMNS = ("id", "seq", "at", "actor_id", "actor_name", "organ_id", "action", "target_type_id", "target_id",
           "target_repr", "reason", "data", "prev_hash", "hash", "hash_alg")


def _content_type_labels() -> dict[int, str]:
    from django.contrib.contenttypes.models import ContentType

    return {pk: f"{app}.{model}" for pk, app, model in ContentType.objects.values_list("pk", "app_label", "model")}


class _Labels(dict):
    """Content type id → "app_label.model", read again when an unknown id appears."""

    def __missing__(self, key):
        self.update(_content_type_labels())
        if key not in self:
            raise KeyError(f"content type {key} does not exist")
        return self[key]


def event_values(row: tuple, labels: dict) -> dict:
    """A ``COLUMNS`` row as the canonical values (plus id and the stored hash)."""
    (pk, seq, at, actor_id, actor_name, organ_id, action, type_id, target_id, target_repr, reason, data, prev_hash,
     stored, alg) = row
    return {
        "id": pk, "seq": seq, "at": format_time(at), "actor_id": actor_id, "actor_name": actor_name, "organ_id": organ_id,
        "action": action, "target_type": labels[type_id], "target_id": target_id, "target_repr": target_repr,
        "reason": reason, "data": data if data is not None else {}, "prev_hash": prev_hash, "hash": stored, "alg": alg,
    }


def current_algorithm() -> str:
    from django.conf import settings

    return getattr(settings, "AUDIT_HASH_ALGORITHM", "sha256")


# --- appending ------------------------------------------------------------------------------------------------------

def _locked_head(using: str, AuditEvent=None, AuditChainHead=None):  # noqa: N803 (model classes)
    """The chain head, locked until the end of the transaction; created from the
    last event when missing (a new database, or one emptied by a test flush)."""
    if AuditEvent is None:
        from gongkai.core.models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.using(using).select_for_update().filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.using(using).filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        AuditChainHead.objects.using(using).bulk_create(
            [AuditChainHead(pk=1, seq=last[0] if last else 0, hash=last[1] if last else GENESIS)], ignore_conflicts=True)
        head = AuditChainHead.objects.using(using).select_for_update().get(pk=1)
    return head


def append(events: list, *, using: str = "default") -> list:
    """Insert unsaved ``AuditEvent`` objects at the end of the chain, in the
    given order; return them saved. The only way audit rows are written."""
    from django.db import transaction
    from django.utils import timezone

    from gongkai.core.models import AuditChainHead, AuditEvent

    if not events:
        return events
    from django.contrib.contenttypes.models import ContentType

    alg = current_algorithm()
    type_labels = {}
    with transaction.atomic(using=using):
        head = _locked_head(using)
        seq, prev = head.seq, head.hash
        now = timezone.now()
        for event in events:
            if event.pk is not None:
                raise ValueError("audit events are appended once and never saved again")
            seq += 1
            event.seq = seq
            if event.at is None:
                event.at = now
            event.data = normalise_data(event.data)
            event.actor_name, event.target_id = str(event.actor_name or "")[:150], str(event.target_id)
            event.target_repr, event.reason = str(event.target_repr or "")[:300], str(event.reason or "")
            event.prev_hash = prev
            event.hash_alg = alg
            type_id = event.target_type_id
            if type_id not in type_labels:
                kind = ContentType.objects.get_for_id(type_id)  # cached by Django
                type_labels[type_id] = f"{kind.app_label}.{kind.model}"
            event.hash = compute_hash({
                "seq": seq, "at": format_time(event.at), "actor_id": event.actor_id, "actor_name": event.actor_name,
                "organ_id": event.organ_id, "action": event.action, "target_type": type_labels[type_id],
                "target_id": str(event.target_id), "target_repr": event.target_repr, "reason": event.reason,
                "data": event.data, "prev_hash": prev, "alg": alg,
            })
            prev = event.hash
        AuditEvent.objects.using(using)._append(events)
        AuditChainHead.objects.using(using).filter(pk=1).update(seq=seq, hash=prev)
    return events


# --- verifying --------------------------------------------------------------------------------------------------------

@dataclass
class Break:
    """The first link that does not hold."""

    id: int | None
    seq: int | None
    problem: str  # "hash", "prev_hash", "seq", "unchained", "head"
    expected: str
    found: str

    def __str__(self) -> str:
        return f"row id={self.id} seq={self.seq}: {self.problem} expected {self.expected}, found {self.found}"


@dataclass
class Verification:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    broken: Break | None = None
    algorithms: set = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return self.broken is None


def check_links(rows: Iterable[dict], *, start_seq: int = 1, start_hash: str = GENESIS) -> Verification:
    """Check a sequence of events (canonical values with id and stored hash) in
    chain order; stop at the first break. Needs no database."""
    result = Verification(last_seq=start_seq - 1, last_hash=start_hash)
    expected_seq, prev = start_seq, start_hash
    for values in rows:
        if values["seq"] != expected_seq:
            result.broken = Break(values["id"], values["seq"], "seq", str(expected_seq), str(values["seq"]))
            return result
        if values["prev_hash"] != prev:
            result.broken = Break(values["id"], values["seq"], "prev_hash", prev, values["prev_hash"])
            return result
        if values["alg"] not in ALGORITHMS:
            result.broken = Break(values["id"], values["seq"], "hash", "sha256|sm3", str(values["alg"]))
            return result
        computed = compute_hash(values)
        if computed != values["hash"]:
            result.broken = Break(values["id"], values["seq"], "hash", computed, values["hash"])
            return result
        result.algorithms.add(values["alg"])
        result.checked += 1
        expected_seq, prev = expected_seq + 1, values["hash"]
        result.last_seq, result.last_hash = values["seq"], prev
    return result


def verify_chain(*, using: str = "default", chunk_size: int = 2000) -> Verification:
    """Check the whole audit trail: every row in ``seq`` order (streamed, so the
    memory used does not grow with the table), no row outside the chain, and
    the chain head agreeing with the last row (a removed tail shows there)."""
    from gongkai.core.models import AuditChainHead, AuditEvent

    events = AuditEvent.objects.using(using)
    unchained = events.filter(seq__isnull=True).order_by("id").values_list("id", flat=True).first()
    labels = _Labels(_content_type_labels())
    rows = (event_values(row, labels) for row in events.filter(seq__isnull=False).order_by("seq").values_list(*COLUMNS)
            .iterator(chunk_size=chunk_size))
    result = check_links(rows)
    if result.broken is None and unchained is not None:
        result.broken = Break(unchained, None, "unchained", "a position in the chain", "none")
    if result.broken is None:
        head = AuditChainHead.objects.using(using).filter(pk=1).values_list("seq", "hash").first()
        if head is not None and (head[0], head[1]) != (result.last_seq, result.last_hash):
            result.broken = Break(None, head[0], "head", f"{head[0]}:{head[1]}", f"{result.last_seq}:{result.last_hash}")
        elif head is None and result.checked:
            result.broken = Break(None, None, "head", f"{result.last_seq}:{result.last_hash}", "no chain head")
    return result


def rechain(*, using: str = "default", chunk_size: int = 2000, algorithm: str | None = None, models=None) -> int:
    """Give every event that has no place in the chain yet (rows written before
    the chain existed) its place, in ``id`` order, after the last chained one.
    Used by the migration that introduced the chain (``models``: its historical
    AuditEvent and AuditChainHead); running it again does nothing when every
    row is chained."""
    from django.db import transaction

    if models is None:
        from gongkai.core.models import AuditChainHead, AuditEvent

        def save(objs):
            AuditEvent.objects.using(using)._rechain(objs)
    else:
        AuditEvent, AuditChainHead = models  # type: ignore[misc]  # noqa: N806 (the historical models of a migration)

        def save(objs):
            AuditEvent.objects.using(using).bulk_update(objs, ["seq", "prev_hash", "hash", "hash_alg"], batch_size=500)

    algorithm = algorithm or current_algorithm()
    labels = _Labels(_content_type_labels())
    done = 0
    while True:
        with transaction.atomic(using=using):
            head = _locked_head(using, AuditEvent, AuditChainHead)
            rows = list(AuditEvent.objects.using(using).filter(seq__isnull=True).order_by("id").values_list(*COLUMNS)[:chunk_size])
            if not rows:
                return done
            seq, prev = head.seq, head.hash
            updates = []
            for row in rows:
                values = event_values(row, labels)
                seq += 1
                values.update(seq=seq, prev_hash=prev, alg=algorithm, data=normalise_data(values["data"]))
                prev = compute_hash(values)
                updates.append(AuditEvent(pk=values["id"], seq=seq, prev_hash=values["prev_hash"], hash=prev, hash_alg=algorithm))
            save(updates)
            AuditChainHead.objects.using(using).filter(pk=1).update(seq=seq, hash=prev)
            done += len(rows)


# --- archives ---------------------------------------------------------------------------------------------------------

ARCHIVE_FIELDS = ("id", "seq", "at", "actor_id", "actor_name", "organ_id", "action", "target_type", "target_id",
                  "target_repr", "reason", "data", "prev_hash", "hash", "alg")


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def archive_lines(rows: Iterable[dict], *, period: tuple[str, str], key: bytes | None) -> Iterator[bytes]:
    """A JSON Lines archive: one line per event (every canonical field, the id
    and the hash), then one manifest line with the count, the first and last
    positions, the SHA-256 of the event lines and, with a key, their HMAC-SHA256."""
    body = hashlib.sha256()
    mac = hmac.new(key, digestmod=hashlib.sha256) if key else None
    count, first, last = 0, None, None
    for values in rows:
        line = _line({name: values[name] for name in ARCHIVE_FIELDS})
        body.update(line)
        if mac is not None:
            mac.update(line)
        count += 1
        first = first or values
        last = values
        yield line
    manifest = {
        "format": ARCHIVE_FORMAT, "from": period[0], "until": period[1], "events": count,
        "first_seq": first["seq"] if first else None, "first_prev_hash": first["prev_hash"] if first else None,
        "last_seq": last["seq"] if last else None, "last_hash": last["hash"] if last else None,
        "sha256": body.hexdigest(), "hmac_sha256": mac.hexdigest() if mac is not None else None,
    }
    yield _line({"manifest": manifest})


def export_archive(out, *, since: datetime, until: datetime, key: bytes | None = None, using: str = "default",
                   chunk_size: int = 2000) -> dict:
    """Write the events of [since, until) to the binary file ``out``; return the manifest.
    The events are those of a contiguous run of the chain (by position), so the
    archive checks by itself: each line's hash, each link, the manifest's digest."""
    from gongkai.core.models import AuditEvent

    labels = _Labels(_content_type_labels())
    events = AuditEvent.objects.using(using).filter(seq__isnull=False)
    bounds = events.filter(at__gte=since, at__lt=until).order_by("seq").values_list("seq", flat=True)
    first, last = bounds.first(), bounds.last()
    selected: Iterator[dict[str, Any]]
    if first is None:
        selected = iter(())
    else:
        selected = (event_values(row, labels) for row in events.filter(seq__gte=first, seq__lte=last).order_by("seq")
                    .values_list(*COLUMNS).iterator(chunk_size=chunk_size))
    manifest: dict[str, Any] = {}
    for line in archive_lines(selected, period=(format_time(since), format_time(until)), key=key):
        out.write(line)
        if line.startswith(b'{"manifest"'):
            manifest = json.loads(line)["manifest"]
    return manifest


def verify_archive(path, *, key: bytes | None = None) -> tuple[Verification, dict | None]:
    """Check an archive file offline: every hash and link, the count and the
    digest in the manifest, and its HMAC when ``key`` is given."""
    body = hashlib.sha256()
    mac = hmac.new(key, digestmod=hashlib.sha256) if key else None
    manifest = None

    def events():
        nonlocal manifest
        with open(path, "rb") as handle:
            for raw in handle:
                obj = json.loads(raw)
                if "manifest" in obj:
                    manifest = obj["manifest"]
                    return
                body.update(raw)
                if mac is not None:
                    mac.update(raw)
                yield obj

    first_line = None
    with open(path, "rb") as handle:
        first_line = json.loads(handle.readline() or b"{}")
    if "manifest" in first_line:  # an empty period
        return Verification(), first_line["manifest"]
    result = check_links(events(), start_seq=first_line.get("seq", 1), start_hash=first_line.get("prev_hash", GENESIS))
    if result.broken is not None:
        return result, manifest
    if manifest is None:
        result.broken = Break(None, None, "manifest", "a manifest line", "none")
    elif manifest.get("events") != result.checked:
        result.broken = Break(None, None, "manifest", str(manifest.get("events")), str(result.checked))
    elif manifest.get("sha256") != body.hexdigest():
        result.broken = Break(None, None, "manifest", str(manifest.get("sha256")), body.hexdigest())
    elif manifest.get("last_hash") != result.last_hash:
        result.broken = Break(None, None, "manifest", str(manifest.get("last_hash")), result.last_hash)
    elif mac is not None and not hmac.compare_digest(str(manifest.get("hmac_sha256") or ""), mac.hexdigest()):
        result.broken = Break(None, None, "signature", "the HMAC of the key given", str(manifest.get("hmac_sha256")))
    return result, manifest
