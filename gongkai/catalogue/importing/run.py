"""One import, all or nothing: read, check every row, write, number, audit."""

from __future__ import annotations

import time
from typing import IO, TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue.importing.columns import ImportFileError, ImportReport, RowError
from gongkai.catalogue.importing.postgres import INTEGRITY_ERRORS, CopyWriter
from gongkai.catalogue.importing.reading import open_rows
from gongkai.catalogue.importing.rows import _cell, _Validator
from gongkai.catalogue.importing.writing import _numbers_in_use, _raise_counters, _serials_in_use, _Writer
from gongkai.catalogue.models import Item
from gongkai.catalogue.signals import items_imported
from gongkai.core.audit import log_action
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from gongkai.accounts.models import User


class _Rollback(Exception):
    pass


class _Conflict(Exception):
    pass


def run_import(
    stream: IO[bytes], *, organ: Organ, by: User, name: str = "", dry_run: bool = True, index: bool = True,
    max_rows: int | None = None
) -> ImportReport:
    """Validate (and, unless ``dry_run``, import) a catalogue file for ``organ``.
    ``index`` is passed on with the ``items_imported`` signal (the search index listens: False leaves the
    items out of it, for benchmarks and tests). An Excel sheet is
    read up to ``max_rows`` rows (default IMPORT_MAX_ROWS; 0: no limit).

    Raises ImportFileError when the file as a whole cannot be read. Bad rows
    are returned in the report; a real run with any bad row imports nothing."""
    started = timezone.now()
    report = ImportReport(dry_run=dry_run)
    rows = open_rows(stream, name, max_rows=max_rows)
    header = None
    first = 0
    for header_row in rows:
        first += 1
        if any(_cell(header_row, i) for i in range(len(header_row))):
            header = header_row
            break
    if header is None:
        raise ImportFileError(_("The file is empty."))
    validator = _Validator(organ, header, report)

    def check_rows(writer: _Writer | None) -> None:
        number = first
        for row in rows:
            number += 1
            if not any(v not in (None, "") for v in row):
                continue
            report.rows += 1
            values, errors = validator.validate(number, row)
            if errors:
                report.errors.append(RowError(number, errors))
                continue
            if not values["index_number"]:
                report.numbered += 1
            if writer is not None and not report.errors:
                writer.add(values)
        if writer is not None:
            if report.errors:  # end the COPY now: the number check below needs the connection
                writer.abort(_Rollback())
            else:
                writer.finish()

    def check_numbers(before: int) -> None:
        # After the pass, in one sweep: a connection busy with COPY runs no other query.
        numbers = validator.seen_numbers
        taken_numbers = _numbers_in_use(numbers, up_to_pk=before)
        for taken in sorted(taken_numbers, key=numbers.get):
            report.errors.append(
                RowError(numbers[taken], [_("The index number %(number)s is already used by an item in the catalogue.") % {"number": taken}])
            )
        serials = validator.seen_serials
        for key, holder in sorted(_serials_in_use(organ, serials, up_to_pk=before).items(), key=lambda pair: serials[pair[0]]):
            if holder in taken_numbers:
                continue  # the same number, already reported
            report.errors.append(
                RowError(serials[key], [
                    _("The year and serial of this index number are already taken by the item numbered %(number)s in the catalogue.")
                    % {"number": holder}
                ])
            )

    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.timings[name] = round(now - clock, 3)
        clock = now

    if dry_run:
        check_rows(None)
        lap("rows")
        check_numbers(Item.objects.aggregate(last=Max("pk"))["last"] or 0)
        lap("number_check")
    else:
        try:
            with transaction.atomic():
                before = Item.objects.aggregate(last=Max("pk"))["last"] or 0
                writer = CopyWriter(organ, by) if connection.vendor == "postgresql" else _Writer(organ, by)
                try:
                    check_rows(writer)
                except BaseException as error:
                    writer.abort(error)
                    if not isinstance(error, INTEGRITY_ERRORS):
                        raise
                    raise _Conflict from None
                lap("rows")
                if report.errors:
                    # Writing stopped at the first bad row; the report still names every row
                    # whose index number the catalogue already uses. (When every row was good
                    # and written, the unique constraint has already proved that none is in use.)
                    check_numbers(before)
                    lap("number_check")
                    raise _Rollback
                # Rows without an index number get theirs after every imported
                # serial is known, so new numbers never collide with kept ones.
                _raise_counters(organ, writer.max_serial)
                if report.numbered:
                    writer.number_missing(after_pk=before)
                lap("numbering")
                report.imported = writer.count
                if report.imported:
                    # The ids the import wrote in, from the two ends of the primary key (a filter on
                    # the organ here can make the planner, whose statistics do not know the new rows
                    # yet, read all of them: 11 s at 1M). Items of other organs published meanwhile
                    # may fall inside the range; the search job filters by organ.
                    span = Item.objects.filter(pk__gt=before).aggregate(first=Min("pk"), last=Max("pk"))
                    log_action(
                        organ,
                        "catalogue.imported",
                        by=by,
                        organ=organ,
                        data={"file": name, "rows": report.imported, "numbered": report.numbered, "first_id": span["first"], "last_id": span["last"]},
                    )
                    transaction.on_commit(lambda: items_imported.send(
                        sender=Item, organ_id=organ.pk, first_id=span["first"], last_id=span["last"], index=index))
                lap("audit")
            lap("commit")
        except _Rollback:
            report.imported = 0
        except _Conflict:
            # An index number already in the catalogue stopped the writing; a dry
            # run over the file names the rows (nothing was written).
            stream.seek(0)
            report = run_import(stream, organ=organ, by=by, name=name, dry_run=True, max_rows=max_rows)
            report.dry_run = False
            if report.ok:
                raise ImportFileError(
                    _("An index number in the file was taken by another item during the import; check the file again.")
                ) from None
    report.errors.sort(key=lambda e: e.row)
    report.seconds = (timezone.now() - started).total_seconds()
    return report
