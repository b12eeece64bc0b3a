"""Writing the validated rows: in batches, then index numbers for the rows that had none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from gongkai.catalogue.importing.rows import SERIAL_SPAN, format_index_number
from gongkai.catalogue.models import Disclosure, IndexCounter, Item, ItemState
from gongkai.organs import serials
from gongkai.organs.models import Organ

if TYPE_CHECKING:
    from gongkai.accounts.models import User

BATCH = 5000


class _Writer:
    """Writes validated rows in batches with ``bulk_create`` (PostgreSQL's ``CopyWriter`` streams them instead)."""

    def __init__(self, organ: Organ, user: User) -> None:
        self.organ = organ
        self.user = user
        self.now = timezone.now()
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
        for name in self.VARIABLE:
            del self.defaults[name]

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
        self.pending.append(Item(**self.defaults, **self._record(values)))
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
        # One block of serials per year, taken at once (serials.take), then handed out in publication order.
        per_year = missing.order_by().annotate(year=ExtractYear("published_at", tzinfo=tz)).values("year").annotate(n=Count("pk"))
        given = {row["year"]: serials.take(IndexCounter, self.organ.pk, row["year"], row["n"]) - row["n"] for row in per_year}
        batch: list[Item] = []
        for item in missing.iterator(chunk_size=2000):
            local = timezone.localtime(item.published_at, tz)
            year = local.year
            if year not in given:  # the database placed it in another year than Python does: take one more
                given[year] = serials.take(IndexCounter, self.organ.pk, year) - 1
            given[year] += 1
            item.index_year = year
            item.index_serial = given[year]
            item.index_number = format_index_number(
                self.organ, year=year, month=local.month, category_code=item.category.code, serial=given[year]
            )
            batch.append(item)
            if len(batch) >= 2000:
                Item.objects.bulk_update(batch, ["index_year", "index_serial", "index_number"])
                batch = []
        if batch:
            Item.objects.bulk_update(batch, ["index_year", "index_serial", "index_number"])

    def flush(self) -> None:
        if not self.pending:
            return
        records, self.pending = self.pending, []
        Item.objects.bulk_create(records, batch_size=500)
        self.count += len(records)

    def abort(self, error: BaseException) -> None:
        """Stop writing so the transaction can roll back (nothing to stop for bulk_create)."""

    def finish(self) -> None:
        self.flush()


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
        serials.raise_to(IndexCounter, organ.pk, year, serial)
