"""Cells of exported spreadsheets (CSV and Excel) that spreadsheet programs never run.

A value typed by someone (an applicant's name, a title, an organ's name) that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be taken
as a formula by Excel, WPS or LibreOffice (CSV/formula injection:
``=HYPERLINK("http://…","点击")``). Every export writes such values through
this module: they get a leading apostrophe (OWASP's advice for CSV), and in
Excel files every text value is also written as a string cell, because Excel
evaluates a formula again once the cell is edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``csv.writer``: every text value neutralised."""
    return [neutralise(value) for value in values]


def xlsx_row(sheet, values: Iterable[Any]) -> list[Any]:
    """A row for ``sheet.append`` (normal or write-only workbook): text values become string cells
    (data type ``s``), neutralised; numbers and dates keep their type."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            # Control characters cannot be stored in an Excel file; they are dropped, not refused.
            cell = WriteOnlyCell(sheet, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row
