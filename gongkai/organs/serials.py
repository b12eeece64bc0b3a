"""Per-(organ, year) serial counters: index numbers (索引号), tracking numbers of applications, and any later
numbering, one mechanism.

A counter model has the fields ``organ``, ``year`` and ``last_serial`` and a unique constraint on (organ, year).
``take`` increments, locks and reads the row in one statement (PostgreSQL, SQLite ≥ 3.35), so numbers are unique
and gap-free under concurrency: the row stays locked until the calling transaction ends, a rolled-back transaction
gives its numbers back, and every other taker in that organ and year waits meanwhile. Call it inside the
transaction that stores the number, as late as possible.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, models, transaction


def _create(counter_model: type[models.Model], organ_id: int, year: int) -> None:
    try:
        with transaction.atomic():
            counter_model._default_manager.create(organ_id=organ_id, year=year)  # the organ's first number of the year
    except IntegrityError:
        pass  # another transaction created it first


def take(counter_model: type[models.Model], organ_id: int, year: int, count: int = 1) -> int:
    """Take the next ``count`` serials of the organ's year; returns the last one (the first is ``last - count + 1``)."""
    quote = connection.ops.quote_name
    table, serial = quote(counter_model._meta.db_table), quote("last_serial")
    sql = (f"UPDATE {table} SET {serial} = {serial} + %s WHERE {quote('organ_id')} = %s AND {quote('year')} = %s "
           f"RETURNING {serial}")
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, organ_id, year])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        _create(counter_model, organ_id, year)
    raise RuntimeError(f"no {counter_model.__name__} for organ {organ_id}, year {year}")


def raise_to(counter_model: type[models.Model], organ_id: int, year: int, serial: int) -> None:
    """Make sure serials taken later in the organ's year come after ``serial`` (numbers kept from elsewhere)."""
    quote = connection.ops.quote_name
    table, last = quote(counter_model._meta.db_table), quote("last_serial")
    sql = (f"UPDATE {table} SET {last} = CASE WHEN {last} < %s THEN %s ELSE {last} END "
           f"WHERE {quote('organ_id')} = %s AND {quote('year')} = %s")
    for _attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [serial, serial, organ_id, year])
            if cursor.rowcount:
                return
        _create(counter_model, organ_id, year)
    raise RuntimeError(f"no {counter_model.__name__} for organ {organ_id}, year {year}")
