"""Rewriting encrypted columns in batches, with plain SQL: used by the
migrations that encrypt existing rows (and decrypt them when reversed) and by
``rotate_encryption_key``. Each batch is one transaction, in primary-key order,
so an interrupted run loses nothing and continues where it stopped; a value
already in the wanted form is left alone, so running again changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from gongkai.core import crypto


@dataclass
class Outcome:
    rows_read: int = 0
    rows_changed: int = 0
    last_pk: int = 0


def _wanted(value, context: str, mode: str, ring) -> tuple[str | None, str | None]:
    """(plaintext, value to store) for one stored value."""
    if value is None or value == "":
        return value, value
    plain = crypto.decrypt(value, context=context, ring=ring)
    if mode == "decrypt":
        return plain, plain
    if mode == "encrypt" and crypto.is_encrypted(value):
        return plain, value
    if mode == "rotate" and crypto.key_id_of(value) == ring.current_id and value.split(crypto.SEPARATOR)[1] == crypto.cipher_tag(ring):
        return plain, value
    return plain, crypto.encrypt(plain, context=context, ring=ring)


def rewrite_table(connection, table: str, columns: dict[str, str], *, blind: dict[str, tuple[str, str]] | None = None,
                  mode: str = "encrypt", pk: str = "id", batch: int = 500, start_after: int = 0,
                  progress: Callable[[Outcome], None] | None = None) -> Outcome:
    """``columns``: column → context (``app.model.field``); ``blind``: blind
    index column → (source column, purpose), recomputed from the plaintext.
    ``mode``: "encrypt" (plaintext rows only), "rotate" (rows not under the
    current key and cipher), "decrypt" (back to plaintext)."""
    if mode not in ("encrypt", "rotate", "decrypt"):
        raise ValueError(mode)
    ring = crypto.keyring()
    blind = blind or {}
    quote = connection.ops.quote_name
    names = list(columns)
    select = (f"SELECT {quote(pk)}, {', '.join(quote(n) for n in names)}"
              f"{''.join(', ' + quote(b) for b in blind)} FROM {quote(table)} WHERE {quote(pk)} > %s ORDER BY {quote(pk)}")
    targets = names + list(blind)
    update = f"UPDATE {quote(table)} SET {', '.join(quote(n) + ' = %s' for n in targets)} WHERE {quote(pk)} = %s"
    outcome = Outcome(last_pk=start_after)
    while True:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(select + f" LIMIT {int(batch)}", [outcome.last_pk])
                rows = cursor.fetchall()
                if not rows:
                    return outcome
                changes = []
                for row in rows:
                    stored = dict(zip(names, row[1:1 + len(names)], strict=True))
                    old_blind = dict(zip(blind, row[1 + len(names):], strict=True))
                    plains, new = {}, {}
                    for name in names:
                        plains[name], new[name] = _wanted(stored[name], columns[name], mode, ring)
                    for column, (source, purpose) in blind.items():
                        new[column] = crypto.blind_index(plains[source] or "", purpose=purpose, ring=ring)
                    if any(new[n] != stored[n] for n in names) or any(new[b] != old_blind[b] for b in blind):
                        changes.append([new[n] for n in targets] + [row[0]])
                if changes:
                    cursor.executemany(update, changes)
            outcome.rows_read += len(rows)
            outcome.rows_changed += len(changes)
            outcome.last_pk = rows[-1][0]
        if progress is not None:
            progress(outcome)


# The encrypted columns of the platform, for the migrations and the rotation command.
def application_columns() -> tuple[str, dict, dict]:
    return ("applications_application",
            {name: f"applications.application.{name}" for name in ("id_number", "phone", "email", "address")},
            {"id_number_bidx": ("id_number", "id_number"), "phone_bidx": ("phone", "phone")})


def notification_columns() -> tuple[str, dict, dict]:
    return "notify_notification", {"address": "notify.notification.address"}, {}


def all_tables():
    return [application_columns(), notification_columns()]
