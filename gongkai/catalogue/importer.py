"""Import of an organ's existing catalogue (存量目录导入) from Excel or CSV.

Agencies already keep their catalogue in a spreadsheet with columns such as
索引号, 标题, 发文字号, 成文日期, 发布日期, 主题分类, 信息类别, 有效性, 关键词, 正文.
Those items were already public, so they are imported as *published* items of
the organ, keeping their 索引号.

How it runs:

1. One streaming pass reads every row, validates it and turns it into the
   values of an ``Item`` row. Every bad row is reported with its row number
   (as the spreadsheet shows it) and translated reasons.
2. A dry run stops there. A real run writes the rows *in the same pass* inside
   one transaction: with PostgreSQL's COPY (tens of thousands of rows per
   second), elsewhere with ``bulk_create`` in batches. If any row is bad the
   transaction is rolled back: all or nothing.
3. After the rows, the organ's ``IndexCounter`` is raised past every imported
   serial, so numbers given later continue after the imported ones.

Imported items do not go through the sign-off chain: they were signed off and
published in the old system. The import itself is audited (one
``catalogue.imported`` event on the organ with the file's fingerprint, the
count and the range of item ids).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
import re
import string
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.catalogue import index_numbers
from gongkai.catalogue.models import Category, Disclosure, IndexCounter, Item, ItemState, Topic, Validity
from gongkai.catalogue.signals import items_imported
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.core.richtext import clean_html, html_to_text
from gongkai.core.uploads import check_archive, is_zip
from gongkai.organs.models import Organ

# --- Columns ---------------------------------------------------------------------------

# Each field with the header names agencies use for it (compared after normalising:
# no spaces, no brackets, no "*", lower case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号", "索引编号", "索引", "index_number", "indexnumber"),
    "title": ("标题", "信息名称", "文件名称", "名称", "题名", "文件标题", "title"),
    "document_number": ("发文字号", "文号", "文件编号", "发文号", "document_number", "documentnumber"),
    "date_formed": ("成文日期", "成文时间", "形成日期", "生成日期", "印发日期", "date_formed", "dateformed"),
    "published_at": ("发布日期", "发布时间", "公开日期", "公开时间", "发布", "published_at", "publishedat", "date_published"),
    "topic": ("主题分类", "主题", "主题类别", "topic"),
    "category": ("信息类别/体裁", "信息类别", "体裁", "类别", "文种", "体裁分类", "信息分类", "category"),
    "validity": ("有效性", "效力", "效力状态", "时效性", "validity"),
    "validity_note": ("废止说明", "失效说明", "有效性说明", "validity_note"),
    "validity_changed_on": ("废止日期", "失效日期", "validity_changed_on"),
    "keywords": ("关键词", "主题词", "关键字", "keywords"),
    "body": ("正文", "内容", "全文", "正文内容", "body"),
}
REQUIRED = ("title", "date_formed", "published_at", "topic", "category")

COLUMN_LABELS = {
    "index_number": gettext_lazy("index number (索引号)"),
    "title": gettext_lazy("title (标题)"),
    "document_number": gettext_lazy("document number (发文字号)"),
    "date_formed": gettext_lazy("date formed (成文日期)"),
    "published_at": gettext_lazy("date published (发布日期)"),
    "topic": gettext_lazy("topic (主题分类)"),
    "category": gettext_lazy("category (信息类别)"),
    "validity": gettext_lazy("validity (有效性)"),
    "validity_note": gettext_lazy("explanation of repeal or expiry (废止说明)"),
    "validity_changed_on": gettext_lazy("repealed or expired on (废止日期)"),
    "keywords": gettext_lazy("keywords (关键词)"),
    "body": gettext_lazy("body (正文)"),
}

VALIDITY_WORDS = {
    "": Validity.IN_FORCE,
    "有效": Validity.IN_FORCE,
    "现行有效": Validity.IN_FORCE,
    "现行": Validity.IN_FORCE,
    "in_force": Validity.IN_FORCE,
    "in force": Validity.IN_FORCE,
    "废止": Validity.REPEALED,
    "已废止": Validity.REPEALED,
    "repealed": Validity.REPEALED,
    "失效": Validity.EXPIRED,
    "已失效": Validity.EXPIRED,
    "expired": Validity.EXPIRED,
}

_HEADER_JUNK = re.compile(r"[\s*＊:：()（）\[\]【】]")


def normalise_header(value) -> str:
    return _HEADER_JUNK.sub("", str(value or "")).replace("\ufeff", "").lower()


_LOOKUP = {normalise_header(name): key for key, names in COLUMNS.items() for name in names}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, no header, missing columns)."""


@dataclass
class RowError:
    row: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file
    ignored_columns: list[str] = field(default_factory=list)
    numbered: int = 0  # rows that had no 索引号 and were given one
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for docs/performance.md
    row_checks: bool = True  # False when PostgreSQL's per-row foreign-key checks were replaced by row locks

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len(self.errors)


# --- Reading files -----------------------------------------------------------------------


def _decoded_lines(stream) -> Iterator[str]:
    """The text of a CSV in UTF-8 (with or without BOM) or GB18030, decoded as it streams."""
    head = stream.read(65536)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    decoder = codecs.getincrementaldecoder(encoding)()
    chunk = head
    pending = ""
    while chunk:
        try:
            pending += decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("The file is neither UTF-8 nor GB18030 text (%(error)s). Save it as CSV UTF-8 or as Excel.") % {"error": error.reason}
            ) from None
        lines = pending.splitlines(keepends=True)
        pending = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
        yield from lines
        chunk = stream.read(1 << 20)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def _csv_rows(stream) -> Iterator[list[str]]:
    yield from csv.reader(_decoded_lines(stream))


def _xlsx_rows(stream, max_rows: int, max_cells: int) -> Iterator[list]:
    """Rows of the first sheet, counting the empty rows and cells a sheet's gaps expand to,
    so a small file declaring millions of rows stops at the limits (0: no limit)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The Excel file cannot be read: %(error)s") % {"error": error}) from None
    sheet = book.worksheets[0]
    rows = cells = 0
    try:
        for row in sheet.iter_rows(values_only=True):
            rows += 1
            cells += len(row)
            if max_rows and rows > max_rows:
                raise ImportFileError(
                    _("The sheet has more than %(limit)d rows; split it, or import it with the command import_catalogue.")
                    % {"limit": max_rows}
                )
            if max_cells and cells > max_cells:
                raise ImportFileError(
                    _("The sheet has more than %(limit)d cells; remove unused columns or split it.") % {"limit": max_cells}
                )
            yield list(row)
    finally:
        book.close()


def open_rows(stream, name: str = "", *, max_rows: int | None = None, max_cells: int | None = None) -> Iterator[list]:
    """Rows of a spreadsheet: .xlsx (recognised by content, judged by its ZIP directory before
    it is opened, read up to ``max_rows``/``max_cells``, by default IMPORT_MAX_ROWS/CELLS) or CSV."""
    head = stream.read(4)
    stream.seek(0)
    if is_zip(head):
        try:
            names = check_archive(stream, name=name, field="file")
        except DomainError as error:
            raise ImportFileError(str(error.message)) from None
        if not any(n.startswith("xl/") for n in names):
            raise ImportFileError(_("“%(name)s” is a ZIP archive but not an Excel workbook.") % {"name": name})
        return _xlsx_rows(
            stream,
            settings.IMPORT_MAX_ROWS if max_rows is None else max_rows,
            settings.IMPORT_MAX_CELLS if max_cells is None else max_cells,
        )
    if name.lower().endswith((".xls", ".et", ".numbers")) or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old-style .xls workbooks are not read; save the sheet as .xlsx or CSV."))
    return _csv_rows(stream)


# --- Values ---------------------------------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?\s*$")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_datetime(value) -> dt.datetime | None:
    """A date or date-time as agencies write it: 2024-03-05, 2024/3/5, 2024.3.5,
    2024年3月5日, 20240305, an Excel date cell or serial number. None when blank.
    Raises ValueError when it is not a real date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        if 20000 <= value <= 80000:  # an Excel serial day number
            return _EXCEL_EPOCH + dt.timedelta(days=float(value))
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return None
    if len(text) in (10, 16, 19) and text[4] == "-" and text[:4].isdigit():
        try:  # the common ISO form, read in C
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ValueError(text)
    parts = [int(p) if p else 0 for p in match.groups()]
    parts += [0] * (6 - len(parts))
    return dt.datetime(*parts[:6])


def body_to_html(text: str) -> str:
    """A body given as HTML is cleaned; plain text becomes paragraphs."""
    if "<" in text and re.search(r"</?(p|div|br|span|table|h\d|strong|b|ul|ol|li)\b", text, re.I):
        return clean_html(text)
    # Escaped once for the whole text (escaping leaves line breaks and spaces alone), then cut into paragraphs.
    lines = html.escape(text, quote=False).replace("\r\n", "\n").split("\n")
    return "".join(f"<p>{line}</p>" for line in map(str.strip, lines) if line)


# --- Index numbers ------------------------------------------------------------------------


def index_pattern(organ: Organ) -> re.Pattern:
    """A regular expression reading year and serial out of an index number
    written with the organ's template, e.g. ``{organ_code}/{year}-{serial:05d}``."""
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(organ.index_template):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name == "organ_code":
            parts.append(re.escape(organ.code))
        elif name == "year":
            parts.append(r"(?P<year>\d{4})")
        elif name == "serial":
            parts.append(r"(?P<serial>\d+)")
        elif name == "month":
            parts.append(r"\d{1,2}")
        else:
            parts.append(r".+?")
    return re.compile("^" + "".join(parts) + "$")


def format_index_number(organ: Organ, *, year: int, month: int, category_code: str, serial: int) -> str:
    """The organ's template filled in, as publishing fills it in."""
    return index_numbers.render(organ.index_template, organ_code=organ.code, year=year, month=month, category=category_code, serial=serial)


# --- Validation ---------------------------------------------------------------------------


class _Lookups:
    """Topics and categories by every name an agency might write."""

    def __init__(self):
        self.topics: dict[str, Topic] = {}
        for topic in Topic.objects.filter(is_active=True).select_related("parent"):
            for key in (topic.code, topic.name, str(topic)):
                self.topics.setdefault(key.strip().lower(), topic)
            if topic.parent_id:
                for sep in ("/", "-", ">", "›", "\\", "—"):
                    self.topics.setdefault(f"{topic.parent.name}{sep}{topic.name}".lower(), topic)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.filter(is_active=True):
            for key in (category.code, category.name):
                self.categories.setdefault(key.strip().lower(), category)

    def topic(self, value: str) -> Topic | None:
        key = re.sub(r"\s*([/>›\\—-])\s*", r"\1", value.strip().lower())
        return self.topics.get(key) or self.topics.get(key.replace(" ", ""))

    def category(self, value: str) -> Category | None:
        return self.categories.get(value.strip().lower())


def _cell(row: list, position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    value = row[position]
    if value.__class__ is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _raw(row: list, position: int | None):
    if position is None or position >= len(row):
        return None
    return row[position]


def _max_length(name: str) -> int:
    return Item._meta.get_field(name).max_length


MAX_SERIAL = 2_147_483_647  # the largest value of the serial column on PostgreSQL
SERIAL_SPAN = MAX_SERIAL + 1


class _Validator:
    def __init__(self, organ: Organ, header: list, report: ImportReport):
        self.organ = organ
        self.report = report
        self.positions: dict[str, int] = {}
        for position, value in enumerate(header):
            key = _LOOKUP.get(normalise_header(value))
            if key and key not in self.positions:
                self.positions[key] = position
                report.columns[key] = str(value).strip()
            elif str(value or "").strip():
                report.ignored_columns.append(str(value).strip())
        missing = [COLUMN_LABELS[k] for k in REQUIRED if k not in self.positions]
        if missing:
            raise ImportFileError(
                _("The file has no column for: %(columns)s. The first row must hold the column names.")
                % {"columns": "、".join(str(m) for m in missing)}
            )
        self.lookups = _Lookups()
        self.pattern = index_pattern(organ)
        self.seen_numbers: dict[str, int] = {}
        # (year, serial) of the kept numbers, as one int: "ORG/2024-7" and "ORG/2024-00007" differ as
        # strings but take the same serial, which the (organ, year, serial) constraint refuses.
        self.seen_serials: dict[int, int] = {}
        self.max_length = {name: _max_length(name) for name in ("title", "document_number", "keywords", "index_number")}

    def validate(self, number: int, row: list) -> tuple[dict | None, list[str]]:
        """The values for one row, or the reasons it is bad."""
        p = self.positions
        errors: list[str] = []
        values: dict = {}

        def label(key):
            return COLUMN_LABELS[key]

        title = _cell(row, p.get("title"))
        if not title:
            errors.append(_("%(column)s is empty.") % {"column": label("title")})
        for key in ("title", "document_number", "keywords"):
            text = title if key == "title" else _cell(row, p.get(key))
            if len(text) > self.max_length[key]:
                errors.append(
                    _("%(column)s is longer than %(limit)d characters.") % {"column": label(key), "limit": self.max_length[key]}
                )
            values[key] = text

        for key in ("date_formed", "published_at", "validity_changed_on"):
            raw = _raw(row, p.get(key))
            try:
                moment = parse_datetime(raw)
            except ValueError:
                errors.append(
                    _("%(column)s “%(value)s” is not a date (write it as 2024-03-05 or 2024年3月5日).")
                    % {"column": label(key), "value": _cell(row, p.get(key))[:40]}
                )
                moment = None
            else:
                if moment is None and key in REQUIRED:
                    errors.append(_("%(column)s is empty.") % {"column": label(key)})
            values[key] = moment
        if values["published_at"] and values["published_at"] > dt.datetime.now() + dt.timedelta(days=1):
            errors.append(_("%(column)s is in the future.") % {"column": label("published_at")})
        if values["date_formed"] and values["published_at"] and values["date_formed"].date() > values["published_at"].date():
            errors.append(_("The date formed is after the date published."))

        topic_text = _cell(row, p.get("topic"))
        topic = self.lookups.topic(topic_text) if topic_text else None
        if not topic_text:
            errors.append(_("%(column)s is empty.") % {"column": label("topic")})
        elif topic is None:
            errors.append(_("There is no topic “%(value)s”; set it up under topics first or correct the row.") % {"value": topic_text[:60]})
        category_text = _cell(row, p.get("category"))
        category = self.lookups.category(category_text) if category_text else None
        if not category_text:
            errors.append(_("%(column)s is empty.") % {"column": label("category")})
        elif category is None:
            errors.append(
                _("There is no category “%(value)s”; set it up under categories first or correct the row.") % {"value": category_text[:60]}
            )
        values["topic"] = topic
        values["category"] = category

        validity_text = _cell(row, p.get("validity"))
        validity = VALIDITY_WORDS.get(validity_text.lower())
        if validity is None:
            errors.append(
                _("%(column)s “%(value)s” is not one of 有效, 废止, 失效.") % {"column": label("validity"), "value": validity_text[:20]}
            )
        values["validity"] = validity or Validity.IN_FORCE
        values["validity_note"] = _cell(row, p.get("validity_note"))
        if validity in (Validity.REPEALED, Validity.EXPIRED) and not values["validity_note"]:
            errors.append(
                _("A repealed or expired item needs an explanation the public can read (column 废止说明).")
            )

        index_number = _cell(row, p.get("index_number"))
        values["index_number"] = index_number or None
        values["index_year"] = values["index_serial"] = None
        if index_number:
            if len(index_number) > self.max_length["index_number"]:
                errors.append(_("%(column)s is longer than %(limit)d characters.") % {"column": label("index_number"), "limit": self.max_length["index_number"]})
            earlier = self.seen_numbers.get(index_number)
            if earlier is not None:
                errors.append(_("The index number %(number)s is also used in row %(row)d.") % {"number": index_number, "row": earlier})
            else:
                self.seen_numbers[index_number] = number
            match = self.pattern.match(index_number)
            if match:
                values["index_year"] = int(match.group("year")) if "year" in match.groupdict() else None
                values["index_serial"] = int(match.group("serial")) if "serial" in match.groupdict() else None
                if values["index_year"] is None or values["index_serial"] is None:
                    values["index_year"] = values["index_serial"] = None
                elif values["index_serial"] > MAX_SERIAL:
                    errors.append(_("The serial in the index number %(number)s is too large.") % {"number": index_number})
                elif earlier is None:
                    key = values["index_year"] * SERIAL_SPAN + values["index_serial"]
                    same = self.seen_serials.setdefault(key, number)
                    if same != number:
                        errors.append(
                            _("The index number %(number)s has the same year and serial as the one in row %(row)d.")
                            % {"number": index_number, "row": same}
                        )

        body = _cell(row, p.get("body"))
        values["body"] = body_to_html(body) if body else ""
        values["body_text"] = html_to_text(values["body"]) if "<" in body else body
        if errors:
            return None, errors
        return values, []


# --- Writing --------------------------------------------------------------------------------

BATCH = 5000

try:
    import psycopg

    INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (IntegrityError, psycopg.IntegrityError)
except ImportError:  # SQLite-only installs
    INTEGRITY_ERRORS = (IntegrityError,)


def _copy_escape(value) -> str:
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


def _referenced_rows(organ: Organ, user, lookups: _Lookups) -> dict | None:
    """The rows every foreign key of an imported item points to, by model; None when a
    foreign key could point to a row the import does not know (then PostgreSQL checks each row)."""
    from django.contrib.auth import get_user_model

    referenced = {
        Organ: {organ.pk},
        get_user_model(): {user.pk},
        Topic: {t.pk for t in lookups.topics.values()},
        Category: {c.pk for c in lookups.categories.values()},
    }
    always_null = {"department_id", "withholding_reason_id"}
    for f in Item._meta.concrete_fields:
        if f.is_relation and f.attname not in always_null and f.related_model not in referenced:
            return None
    return referenced


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


class _Rollback(Exception):
    pass


class _Conflict(Exception):
    pass


def run_import(
    stream, *, organ: Organ, by, name: str = "", dry_run: bool = True, index: bool = True, max_rows: int | None = None
) -> ImportReport:
    """Validate (and, unless ``dry_run``, import) a catalogue file for ``organ``.
    With ``index`` the imported items are then added to the search index. An Excel sheet is
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
                writer = _Writer(organ, by, validator.lookups)
                try:
                    check_rows(writer)
                except BaseException as error:
                    writer.abort(error)
                    if not isinstance(error, INTEGRITY_ERRORS):
                        raise
                    raise _Conflict from None
                report.row_checks = writer.row_checks
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
                        sender=Item, organ_id=organ.pk, first_id=span["first"], last_id=span["last"]))
                    if index:
                        transaction.on_commit(lambda: _after_import(organ.pk, span["first"], span["last"]))
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


def _raise_counters(organ: Organ, max_serial: dict[int, int]) -> None:
    """Numbers published later continue after the imported ones."""
    for year, serial in max_serial.items():
        counter, _created = IndexCounter.objects.select_for_update().get_or_create(organ=organ, year=year)
        if counter.last_serial < serial:
            counter.last_serial = serial
            counter.save(update_fields=["last_serial"])


@shared_task
def index_imported(organ_id: int, first_id: int, last_id: int) -> int:
    """Add a range of imported items to the search index in one writer
    session (a writer per item would take hours for a large import)."""
    from gongkai.search import index as ix

    context = ix.context_for_indexing()
    items = ix.indexable_items().filter(organ_id=organ_id, pk__gte=first_id, pk__lte=last_id).order_by("pk")
    done = 0
    with ix.writer() as w:
        for item in items.iterator(chunk_size=2000):
            w.add_document(ix.make_document(ix.segment_fields(ix.item_fields(item, **context))))
            done += 1
    return done


def _after_import(organ_id: int, first_id: int, last_id: int) -> None:
    """Make the imported items searchable (in the background when Celery runs)."""
    try:
        from gongkai.search import index  # noqa: F401
    except ImportError:  # no search app installed
        return
    index_imported.delay(organ_id, first_id, last_id)
