"""The application form on paper (政府信息公开申请表), for download from an organ's 依申请公开 page as
DOCX and PDF: the questions of the online form (``forms.ApplicationForm``, so the two never differ), each with
room to write the answer and, for a choice, a box per option; the organ's name and where to send it.

Built like the notice letters (``letters.rendering``): the DOCX names 宋体/仿宋, the PDF embeds Noto Serif CJK
SC through WeasyPrint; nothing is fetched while rendering."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.translation import gettext as _

from gongkai.applications.forms import ApplicationForm
from gongkai.letters.rendering import DOCX_BODY_FONT, DOCX_TITLE_FONT, PDF_FONT, _docx_run_font

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

    from gongkai.organs.models import Organ

# Asked on paper by the signature line, or not at all (files are handed over with the form).
LEFT_OUT = {"attachments"}
LONG_ANSWERS = {"description": 5, "purpose": 3, "address": 2}


@dataclass(frozen=True)
class Row:
    label: str
    options: tuple[str, ...]  # a box to tick for each; empty: a space to write in
    lines: int  # how much room to write in


def rows() -> list[Row]:
    form = ApplicationForm()
    out = []
    for name, field in form.fields.items():
        if name in LEFT_OUT:
            continue
        choices = getattr(field, "choices", None) or ()
        options = tuple(str(label) for value, label in choices if value not in ("", None))
        out.append(Row(str(field.label), options, LONG_ANSWERS.get(name, 1)))
    return out


def _texts(organ: Organ) -> dict[str, str]:
    return {
        "title": _("Application for government information disclosure"),
        "to": _("To: %(organ)s") % {"organ": organ.name},
        "sign": _("Signature or seal of the applicant"),
        "date": _("Date"),
        "send": _("Hand in or post to: %(office)s, %(address)s %(postcode)s; phone %(phone)s") % {
            "office": organ.office_name or organ.name, "address": organ.address or "—", "postcode": organ.postcode,
            "phone": organ.phone or "—",
        },
        "note": _("Enclose a copy of the identity document (organisations: of the business licence or registration certificate)."),
    }


def _option_text(row: Row) -> str:
    return "　".join(f"□ {option}" for option in row.options)


def render_docx(organ: Organ) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    texts = _texts(organ)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    document.core_properties.title = texts["title"]
    document.core_properties.author = organ.name

    def paragraph(text: str, *, align: Any = None, font: str = DOCX_BODY_FONT, size: float = 12.0,
                  bold: bool = False) -> Paragraph:
        p = document.add_paragraph()
        if align is not None:
            p.alignment = align
        _docx_run_font(p.add_run(text), font, size, bold)
        return p

    paragraph(texts["title"], align=WD_ALIGN_PARAGRAPH.CENTER, font=DOCX_TITLE_FONT, size=18, bold=True)
    paragraph(texts["to"])
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for row in rows():
        cells = table.add_row().cells
        _docx_run_font(cells[0].paragraphs[0].add_run(row.label), DOCX_BODY_FONT, 11, True)
        answer = _option_text(row) if row.options else "\n" * (row.lines - 1)
        _docx_run_font(cells[1].paragraphs[0].add_run(answer), DOCX_BODY_FONT, 11)
        cells[0].width, cells[1].width = Mm(50), Mm(116)
        if not row.options:
            table.rows[-1].height = Mm(9 * row.lines)
    cells = table.add_row().cells
    _docx_run_font(cells[0].paragraphs[0].add_run(texts["sign"]), DOCX_BODY_FONT, 11, True)
    _docx_run_font(cells[1].paragraphs[0].add_run(f"\n\n{texts['date']}："), DOCX_BODY_FONT, 11)
    paragraph(texts["note"], size=10.5)
    paragraph(texts["send"], size=10.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PDF_CSS = f"""
@page {{ size: A4; margin: 22mm 20mm; }}
body {{ font-family: "{PDF_FONT}", serif; font-size: 11pt; line-height: 1.5; color: #000; margin: 0; }}
h1 {{ font-size: 18pt; text-align: center; margin: 0 0 8pt; }}
table {{ width: 100%; border-collapse: collapse; margin: 8pt 0; }}
th, td {{ border: 0.6pt solid #000; padding: 4pt 6pt; vertical-align: top; text-align: left; }}
th {{ width: 30%; font-weight: bold; }}
p.small {{ font-size: 10pt; margin: 4pt 0; }}
"""


def form_html(organ: Organ) -> str:
    texts = _texts(organ)
    body = []
    for row in rows():
        answer = escape(_option_text(row)) if row.options else ""
        height = f' style="height: {row.lines * 9}mm"' if not row.options else ""
        body.append(f"<tr><th scope=\"row\">{escape(row.label)}</th><td{height}>{answer}</td></tr>")
    body.append(f'<tr><th scope="row">{escape(texts["sign"])}</th><td style="height: 22mm"><br><br>{escape(texts["date"])}：</td></tr>')
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(texts['title'])}</title><style>{PDF_CSS}</style></head><body>"
        f"<h1>{escape(texts['title'])}</h1><p>{escape(texts['to'])}</p><table>{''.join(body)}</table>"
        f'<p class="small">{escape(texts["note"])}</p><p class="small">{escape(texts["send"])}</p></body></html>'
    )


def render_pdf(organ: Organ) -> bytes:
    from weasyprint import HTML

    # No base_url and no external resources: nothing is fetched while rendering.
    return HTML(string=form_html(organ)).write_pdf()
