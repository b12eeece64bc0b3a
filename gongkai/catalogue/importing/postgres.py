"""PostgreSQL's way of writing the import's rows: COPY into a staging table, then one INSERT … SELECT.

The COPY streams each batch while the next one is validated (a queued writer sends the data from a thread)
into a temporary table without constraints or indexes, which costs PostgreSQL little. The rows then reach
the catalogue in one set-based ``INSERT … SELECT`` with every constraint, index and trigger of the table in
force: foreign keys, unique index numbers and serials. Nothing is switched off (no
``session_replication_role``), so the import keeps every guarantee the database gives the rest of the code;
what that costs is measured in docs/performance.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction

from gongkai.catalogue.importing.writing import BATCH, _Writer
from gongkai.catalogue.models import Item
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from gongkai.accounts.models import User

try:
    import psycopg

    INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (IntegrityError, psycopg.IntegrityError)
except ImportError:  # SQLite-only installs
    INTEGRITY_ERRORS = (IntegrityError,)

STAGING = "gongkai_import_staging"


def _copy_escape(value: object) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class CopyWriter(_Writer):
    """Streams the rows into a staging table with COPY, then moves them into the catalogue in one statement."""

    def __init__(self, organ: Organ, user: User) -> None:
        super().__init__(organ, user)
        names = [f.attname for f in self.fields]
        defaults = {**self.defaults, **{name: None for name in self.VARIABLE}}
        self.line_template = [_copy_escape(defaults.get(name)) for name in names]
        self.variable_positions = [(names.index(name), name) for name in self.VARIABLE]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self._copy = None
        self._savepoint = None

    def add(self, values: dict) -> None:
        record = self._record(values)
        # One COPY text line: the constant columns are escaped once, in __init__.
        line = self.line_template.copy()
        for position, name in self.variable_positions:
            value = record[name]
            if value is None:
                line[position] = "\\N"
            elif isinstance(value, str):
                if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
                    value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
                line[position] = value
            else:
                line[position] = str(value)
        self.pending.append("\t".join(line))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        lines, self.pending = self.pending, []
        if self._copy is None:
            self._start()
        self._copy.write(("\n".join(lines) + "\n").encode())
        self.count += len(lines)

    def _start(self) -> None:
        from psycopg.copy import QueuedLibpqWriter

        self._savepoint = transaction.savepoint()
        with connection.cursor() as cursor:
            # lz4 for the bodies PostgreSQL compresses (TOAST), when the server has it: several times faster
            # to compress than the default pglz, and read the same way. Compressed once, in the staging
            # table: INSERT … SELECT moves the compressed values as they are.
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL default_toast_compression = lz4")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING} ON COMMIT DROP AS "
                f"SELECT {self.columns} FROM {Item._meta.db_table} WITH NO DATA"
            )
        self._cursor = connection.cursor()
        raw = self._cursor.cursor
        self._copy_context = raw.copy(f"COPY {STAGING} ({self.columns}) FROM STDIN", writer=QueuedLibpqWriter(raw))
        self._copy = self._copy_context.__enter__()

    def abort(self, error: BaseException) -> None:
        """End a COPY under way so the transaction can roll back."""
        if self._copy is not None:
            self._copy = None
            try:
                self._copy_context.__exit__(type(error), error, error.__traceback__)
            except Exception:  # the COPY's own failure ("COPY from stdin failed")
                pass
        if self._savepoint is not None:
            # Back to before the staging table, so the connection can still answer the index-number check.
            transaction.savepoint_rollback(self._savepoint)
            self._savepoint = None

    def finish(self) -> None:
        self.flush()
        if self._copy is None:
            return
        self._copy = None
        self._copy_context.__exit__(None, None, None)
        with self._cursor as cursor:
            # The staging table is read in the order it was written: ids follow the file's rows.
            cursor.execute(
                f"INSERT INTO {Item._meta.db_table} ({self.columns}) SELECT {self.columns} FROM {STAGING}"
            )
            # Check the deferred foreign keys now, not at commit: the commit follows the
            # index counters' lock, which holds up publishing in this organ.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"DROP TABLE {STAGING}")
        transaction.savepoint_commit(self._savepoint)
        self._savepoint = None
