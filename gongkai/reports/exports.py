"""DOCX and PDF of a report, laid out like the official format.

The PDF is WeasyPrint's rendering of the same HTML body and stylesheet as the
web page (``reports/_report_body.html`` + ``static/css/reports.css``), with the
Debian Noto CJK fonts embedded. The DOCX is built with python-docx from the same
layout (``gongkai.reports.layout``), merged header cells included."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.reports import layout, structure

CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "reports.css"
BODY_FONT = "宋体"
TITLE_FONT = "黑体"


def report_context(report, link=None, flagged=frozenset()) -> dict:
    values = report.values()
    return {
        "report": report,
        "tables": layout.tables(values, link, flagged),
        "sections": structure.SECTIONS,
        "texts": {
            "overview": layout.paragraphs(report.overview),
            "problems": layout.paragraphs(report.problems),
            "other": layout.paragraphs(report.other_matters),
        },
    }


def render_html(report) -> str:
    """The standalone HTML the PDF is made from: the web page's report body and stylesheet."""
    css = CSS_PATH.read_text(encoding="utf-8")
    return render_to_string("reports/pdf.html", {**report_context(report), "css": css})


def render_pdf(report) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report), base_url=str(settings.BASE_DIR)).write_pdf()


def _font(run, name: str, size: float | None = None, bold: bool = False) -> None:
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def _paragraph(document, text, *, size=12, bold=False, font=BODY_FONT, align=None, indent=True):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _table(document, rows) -> None:
    width, placed = layout.grid(rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.text = ""
        paragraph = target.paragraphs[0]
        if cell.is_figure or cell.header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(paragraph.add_run(cell.text), BODY_FONT, 9, cell.header)


def render_docx(report) -> bytes:
    context = report_context(report)
    document = Document()
    _paragraph(document, report.display_title, size=18, font=TITLE_FONT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    tables = {"proactive": "t2", "applications": "t3", "appeals": "t4"}
    for code, heading in structure.SECTIONS:
        _paragraph(document, heading, size=14, font=TITLE_FONT, bold=True, indent=True)
        if code in tables:
            _table(document, context["tables"][tables[code]])
        else:
            for text in context["texts"][code]:
                _paragraph(document, text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
