"""Re-encrypt personal data under the current key (after adding a new key)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from gongkai.core import crypto
from gongkai.core.reencrypt import all_tables, rewrite_table


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted column with the current key (FIELD_ENCRYPTION_KEY_ID) and cipher, and "
            "recompute the blind indexes, in batches of one transaction each. Resumable: values already under the "
            "current key are left alone, so after an interruption run it again (or give --start-after).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--table", help="only this table (e.g. applications_application)")
        parser.add_argument("--start-after", type=int, default=0, help="primary key to continue after (with --table)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, batch, table, start_after, database, **options):
        ring = crypto.keyring()
        if ring.development and ring.current_id == crypto.DEV_KEY_ID:
            self.stderr.write("warning: no FIELD_ENCRYPTION_KEYS set; re-encrypting with the development key")
        tables = [t for t in all_tables() if table in (None, t[0])]
        if not tables:
            raise CommandError(f"no encrypted table {table!r}")
        if start_after and not table:
            raise CommandError("--start-after needs --table")
        connection = connections[database]
        for name, columns, blind in tables:
            def progress(outcome, name=name):
                self.stdout.write(f"{name}: {outcome.rows_read} rows read, {outcome.rows_changed} re-encrypted, "
                                  f"up to id {outcome.last_pk}")

            outcome = rewrite_table(connection, name, columns, blind=blind, mode="rotate", batch=batch,
                                    start_after=start_after, progress=progress)
            self.stdout.write(f"{name}: done, {outcome.rows_changed} of {outcome.rows_read} rows re-encrypted "
                              f"under key {ring.current_id!r} ({ring.cipher})")
