"""Writing the validated rows: in batches, then index numbers for the rows that had none."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gongkai.catalogue.importing.postgres import _copy_escape, _referenced_rows
from gongkai.catalogue.importing.rows import SERIAL_SPAN, _Lookups, format_index_number
from gongkai.catalogue.models import Disclosure, IndexCounter, Item, ItemState
from gongkai.organs.models import Organ

BATCH = 5000


class _Writer:
    """Writes validated rows: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, organ: Organ, user, lookups: _Lookups | None = None):
        self.organ = organ
        self.user = user
        self.row_checks = True  # False once the COPY runs without PostgreSQL's per-row foreign-key checks
        self.referenced = _referenced_rows(organ, user, lookups) if lookups is not None else None
        self.now = timezone.now()
        self.postgres = connection.vendor == "postgresql"
        self.fields = [f for f in Item._meta.concrete_fields if not f.primary_key]
        self.defaults = {}
        for f in self.fields:
            self.defaults[f.attname] = f.get_default()
        self.defaults.update(
            organ_id=organ.pk,
            disclosure=Disclosure.ACTIVE,
            state=ItemState.PUBLISHED,
            version=1,
            published_by_id=user.pk,
            created_by_id=user.pk,
            created_at=self.now,
            updated_at=self.now,
        )
        self.pending: list = []
        self.count = 0
        self.max_serial: dict[int, int] = {}
        self.tz = timezone.get_current_timezone()
        self._copy = None
        names = [f.attname for f in self.fields]
        for name in self.VARIABLE:
            del self.defaults[name]
        self.line_template = [_copy_escape(self.defaults.get(name)) for name in names]
        self.variable_positions = [(names.index(name), name) for name in self.VARIABLE]

    VARIABLE = (
        "title", "document_number", "keywords", "body", "body_text", "date_formed", "published_at", "topic_id",
        "category_id", "validity", "validity_note", "validity_changed_on", "index_number", "index_year", "index_serial",
    )

    def _record(self, values: dict) -> dict:
        published = values["published_at"]
        changed = values["validity_changed_on"]
        if values["index_year"] is not None:
            year = values["index_year"]
            if self.max_serial.get(year, 0) < values["index_serial"]:
                self.max_serial[year] = values["index_serial"]
        return {
            "title": values["title"],
            "document_number": values["document_number"],
            "keywords": values["keywords"],
            "body": values["body"],
            "body_text": values["body_text"],
            "date_formed": values["date_formed"].date(),
            "published_at": published.replace(tzinfo=self.tz) if published.tzinfo is None else published,
            "topic_id": values["topic"].pk,
            "category_id": values["category"].pk,
            "validity": values["validity"],
            "validity_note": values["validity_note"],
            "validity_changed_on": changed.date() if changed else None,
            "index_number": values["index_number"],
            "index_year": values["index_year"],
            "index_serial": values["index_serial"],
        }

    def add(self, values: dict) -> None:
        record = self._record(values)
        if self.postgres:
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
        else:
            self.pending.append(Item(**self.defaults, **record))
        if len(self.pending) >= BATCH:
            self.flush()

    def number_missing(self, *, after_pk: int) -> None:
        """Give imported rows that had no index number the next numbers of their
        publication year (by date published), after every kept serial."""
        missing = (
            # index_year is null too on these rows: the serial index finds them.
            Item.objects.filter(organ=self.organ, index_year__isnull=True, index_number__isnull=True, pk__gt=after_pk)
            .filter(state=ItemState.PUBLISHED)
            .order_by("published_at", "pk")
            .select_related("category")
            .only("pk", "published_at", "category__code")
        )
        tz = timezone.get_current_timezone()
        counters: dict[int, IndexCounter] = {}
        batch: list[Item] = []
        for item in missing.iterator(chunk_size=2000):
            local = timezone.localtime(item.published_at, tz)
            year = local.year
            counter = counters.get(year)
            if counter is None:
                counter, _created = IndexCounter.objects.select_for_update().get_or_create(organ=self.organ, year=year)
                counters[year] = counter
            counter.last_serial += 1
            item.index_year = year
            item.index_serial = counter.last_serial
            item.index_number = format_index_number(
                self.organ, year=year, month=local.month, category_code=item.category.code, serial=counter.last_serial
            )
            batch.append(item)
            if len(batch) >= 2000:
                Item.objects.bulk_update(batch, ["index_year", "index_serial", "index_number"])
                batch = []
        if batch:
            Item.objects.bulk_update(batch, ["index_year", "index_serial", "index_number"])
        for counter in counters.values():
            counter.save(update_fields=["last_serial"])

    def flush(self) -> None:
        if not self.pending:
            return
        records, self.pending = self.pending, []
        if self.postgres:
            self._copy_lines(records)
        else:
            Item.objects.bulk_create(records, batch_size=500)
        self.count += len(records)

    def _copy_lines(self, lines: list[str]) -> None:
        if self._copy is None:
            from psycopg.copy import QueuedLibpqWriter

            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            self._cursor = connection.cursor()
            raw = self._cursor.cursor
            # One COPY for the whole file; the queued writer sends data from a thread,
            # so PostgreSQL stores one batch while the next is being validated.
            self._savepoint = transaction.savepoint()
            self._prepare_copy()
            self._copy_context = raw.copy(
                f"COPY {Item._meta.db_table} ({columns}) FROM STDIN", writer=QueuedLibpqWriter(raw)
            )
            self._copy = self._copy_context.__enter__()
        self._copy.write(("\n".join(lines) + "\n").encode())

    def _prepare_copy(self) -> None:
        """Settings for this transaction's COPY (each reverted with the savepoint when the COPY fails).

        - lz4 for the bodies PostgreSQL compresses (TOAST), when the server has it: several times
          faster to compress than the default pglz, and read the same way.
        - Foreign keys: PostgreSQL checks each row's seven foreign keys one by one, about a quarter
          of what the COPY costs it. Every value the import writes is one of a few known rows (the
          organ, the importing user, the active topics and categories it validated against), so where
          the database role may set ``session_replication_role`` (a superuser, or on PostgreSQL 15+
          ``GRANT SET ON PARAMETER session_replication_role TO <role>``), those rows are locked once
          with FOR KEY SHARE — what each per-row check would do — and the per-row checks are skipped
          for the COPY alone. Only when the table has no trigger of its own, which replica mode would
          also skip. Otherwise the checks run as usual (``self.row_checks``)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL default_toast_compression = lz4")
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [Item._meta.db_table])
            if cursor.fetchone()[0] or self.referenced is None:
                return
            savepoint = transaction.savepoint()
            try:
                cursor.execute("SET LOCAL session_replication_role = replica")
            except DatabaseError:  # not allowed for this role: the per-row checks stay
                transaction.savepoint_rollback(savepoint)
                return
            transaction.savepoint_commit(savepoint)
            for model, pks in self.referenced.items():
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {model._meta.db_table} WHERE id = ANY(%s) FOR KEY SHARE) AS locked",
                    [sorted(pks)],
                )
            self.row_checks = False

    def abort(self, error: BaseException) -> None:
        """End a COPY under way so the transaction can roll back."""
        if self._copy is not None:
            self._copy = None
            try:
                self._copy_context.__exit__(type(error), error, error.__traceback__)
            except Exception:  # the COPY's own failure ("COPY from stdin failed")
                pass
            # The failed COPY aborted the transaction; back to before it, so the
            # connection can still answer the index-number check.
            transaction.savepoint_rollback(self._savepoint)

    def finish(self) -> None:
        self.flush()
        if self._copy is not None:
            self._copy = None
            self._copy_context.__exit__(None, None, None)
            with self._cursor as cursor:
                if self.row_checks:
                    # Check the deferred foreign keys now, not at commit: the commit follows the
                    # index counters' lock, which holds up publishing in this organ.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                else:
                    cursor.execute("SET LOCAL session_replication_role = origin")


def _serials_in_use(organ: Organ, serials: dict[int, int], *, up_to_pk: int) -> dict[int, str]:
    """Which (year, serial) keys of ``serials`` items of ``organ`` that existed before the import already
    hold, with the index number they hold it under."""
    found: dict[int, str] = {}
    by_year: dict[int, list[int]] = {}
    for key in serials:
        by_year.setdefault(key // SERIAL_SPAN, []).append(key % SERIAL_SPAN)
    existing = Item.objects.filter(organ=organ, pk__lte=up_to_pk)
    for year, numbers in by_year.items():
        for start in range(0, len(numbers), 2000):
            chunk = numbers[start : start + 2000]
            for serial, index_number in existing.filter(index_year=year, index_serial__in=chunk).values_list("index_serial", "index_number"):
                found[year * SERIAL_SPAN + serial] = index_number
    return found


def _numbers_in_use(numbers: dict[str, int], *, up_to_pk: int) -> set[str]:
    """Which of ``numbers`` items that existed before the import already use."""
    found: set[str] = set()
    keys = list(numbers)
    if connection.vendor == "postgresql":
        # One array parameter per 50,000 numbers: psycopg need not parse a query with thousands of placeholders.
        with connection.cursor() as cursor:
            for start in range(0, len(keys), 50_000):
                cursor.execute(
                    f"SELECT index_number FROM {Item._meta.db_table} WHERE index_number = ANY(%s) AND id <= %s",
                    [keys[start : start + 50_000], up_to_pk],
                )
                found.update(number for (number,) in cursor.fetchall())
        return found
    existing = Item.objects.filter(pk__lte=up_to_pk)
    for start in range(0, len(keys), 2000):
        chunk = keys[start : start + 2000]
        found.update(existing.filter(index_number__in=chunk).values_list("index_number", flat=True))
    return found


def _raise_counters(organ: Organ, max_serial: dict[int, int]) -> None:
    """Numbers published later continue after the imported ones."""
    for year, serial in max_serial.items():
        counter, _created = IndexCounter.objects.select_for_update().get_or_create(organ=organ, year=year)
        if counter.last_serial < serial:
            counter.last_serial = serial
            counter.save(update_fields=["last_serial"])
