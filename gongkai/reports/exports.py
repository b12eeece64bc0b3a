"""DOCX and PDF of a report, laid out like the official format.

The PDF is WeasyPrint's rendering of the same HTML body and stylesheet as the
web page (``reports/_report_body.html`` + ``static/css/reports.css``), with the
Debian Noto CJK fonts embedded. The DOCX is built with python-docx from the same
layout (``gongkai.reports.layout``), merged header cells included."""

from __future__ import annotations

import io
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gongkai.reports import layout, structure

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    from gongkai.reports.models import AnnualReport

CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "reports.css"
BODY_FONT = "宋体"
TITLE_FONT = "黑体"
# The page and type of the PDF (static/css/reports.css, reports/pdf.html), so the DOCX looks the same:
# A4, margins 18 mm top and bottom, 15 mm left and right (180 mm of text width).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 18, "bottom": 18, "left": 15, "right": 15}
BODY_PT, HEADING_PT, TITLE_PT = 11, 14, 18
TABLE_PT = {"t2": 8.5, "t3": 8.5, "t4": 7.5}
COLUMN_WIDTHS_MM = layout.COLUMN_WIDTHS_MM


def report_context(
    report: AnnualReport, link: Callable[[str], str] | None = None, flagged: Collection[str] = frozenset()
) -> dict[str, Any]:
    values = report.values()
    return {
        "report": report,
        "tables": layout.tables(values, link, flagged),
        "sections": structure.SECTIONS,
        "heads": layout.HEAD_ROWS,
        "widths": layout.column_percentages(),
        "texts": {
            "overview": layout.paragraphs(report.overview),
            "problems": layout.paragraphs(report.problems),
            "other": layout.paragraphs(report.other_matters),
        },
    }


def render_html(report: AnnualReport) -> str:
    """The standalone HTML the PDF is made from: the web page's report body and stylesheet."""
    css = CSS_PATH.read_text(encoding="utf-8")
    return render_to_string("reports/pdf.html", {**report_context(report), "css": css})


def render_pdf(report: AnnualReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report), base_url=str(settings.BASE_DIR)).write_pdf()


def _font(run: Run, name: str, size: float | None = None, bold: bool = False) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _paragraph(document: DocumentObject, text: str, *, size: float = 12, bold: bool = False, font: str = BODY_FONT,
               align: Any = None, indent: bool = True) -> Paragraph:
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _repeat_as_header(row: _Row) -> None:
    """Word repeats this row at the top of every page the table runs onto (like <thead> in the PDF)."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _table(document: DocumentObject, rows: list[list[layout.Cell]], name: str) -> None:
    width, placed = layout.grid(rows)
    widths = COLUMN_WIDTHS_MM[name]
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, column in enumerate(table.columns):
        column.width = Mm(widths[i])
    size = TABLE_PT[name]
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = ""
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = target.paragraphs[0]
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
        if cell.is_figure or cell.header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(cell.text), BODY_FONT, size, cell.header)
    # Every cell's own width (Word reads these; LibreOffice reads the grid): the sum of the columns it spans.
    for tr in table._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            tc.width = Mm(sum(widths[column:column + tc.grid_span]))
            column += tc.grid_span
    for row in table.rows[: layout.HEAD_ROWS[name]]:
        _repeat_as_header(row)


def _page_setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)


def render_docx(report: AnnualReport) -> bytes:
    context = report_context(report)
    document = Document()
    _page_setup(document)
    _paragraph(document, report.display_title, size=TITLE_PT, font=TITLE_FONT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    tables = {"proactive": "t2", "applications": "t3", "appeals": "t4"}
    for code, heading in structure.SECTIONS:
        heading_paragraph = _paragraph(document, heading, size=HEADING_PT, font=TITLE_FONT, bold=True, indent=False)
        heading_paragraph.paragraph_format.space_before = Pt(12)
        heading_paragraph.paragraph_format.space_after = Pt(6)
        heading_paragraph.paragraph_format.keep_with_next = True
        if code in tables:
            _table(document, context["tables"][tables[code]], tables[code])
        else:
            for text in context["texts"][code]:
                _paragraph(document, text, size=BODY_PT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
