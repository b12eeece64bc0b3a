"""Reading a catalogue file: CSV in any common encoding, or an Excel sheet; dates and bodies as agencies write them."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongkai.catalogue.importing.columns import ImportFileError
from gongkai.core.errors import DomainError
from gongkai.core.richtext import clean_html
from gongkai.core.uploads import check_archive, is_zip


def _decoded_lines(stream: IO[bytes]) -> Iterator[str]:
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


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    yield from csv.reader(_decoded_lines(stream))


def _xlsx_rows(stream: IO[bytes], max_rows: int, max_cells: int) -> Iterator[list]:
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


def open_rows(stream: IO[bytes], name: str = "", *, max_rows: int | None = None, max_cells: int | None = None) -> Iterator[list]:
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


_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?\s*$")


_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_datetime(value: Any) -> dt.datetime | None:
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
