"""Rendering notice letters (告知书) to text, DOCX and PDF.

    docx_bytes, pdf_bytes, text = render_letter("reply.partial", organ=organ, context={...})

Layout follows the 公文 style (GB/T 9704 in spirit): A4, the title centred in
a larger bold face, the reference line under it, the salutation flush left,
body paragraphs indented by two characters, the organ's name and the date at
the bottom right. The PDF embeds Noto Serif CJK SC (Debian ``fonts-noto-cjk``;
WeasyPrint subsets and embeds it), so it reads the same everywhere; the DOCX
names 仿宋 / 宋体, the fonts every government PC has (Word files cannot carry
fonts portably).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gongkai.core.errors import DomainError
from gongkai.letters.defaults import DEFAULTS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    from gongkai.organs.models import Organ

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_BODY = 20000

# name -> description (shown in the template editor). Filled by the renderer: organ, office, organ_phone, organ_address, date.
PLACEHOLDERS: dict[str, StrOrPromise] = {
    "organ": pgettext_lazy("letter placeholder", "Organ name"),  # 机关名称
    "office": pgettext_lazy("letter placeholder", "Disclosure office (contact)"),  # 公开工作机构
    "organ_phone": pgettext_lazy("letter placeholder", "Organ phone"),
    "organ_address": pgettext_lazy("letter placeholder", "Organ address"),
    "date": pgettext_lazy("letter placeholder", "Date of the letter"),
    "reconsideration_body": pgettext_lazy("letter placeholder", "Administrative reconsideration body"),  # 行政复议机关
    "court": pgettext_lazy("letter placeholder", "Court for administrative litigation"),  # 人民法院
    "letter_number": pgettext_lazy("letter placeholder", "Letter number"),  # 文号
    "applicant": pgettext_lazy("letter placeholder", "Applicant name"),  # 申请人
    "you": pgettext_lazy("letter placeholder", "How the applicant is addressed (您 for a person, 贵单位 for an organisation)"),
    "tracking_number": pgettext_lazy("letter placeholder", "Tracking number"),  # 申请编号
    "received_on": pgettext_lazy("letter placeholder", "Date of receipt"),
    "due_on": pgettext_lazy("letter placeholder", "Reply due date"),
    "subject": pgettext_lazy("letter placeholder", "Information sought"),
    "decision": pgettext_lazy("letter placeholder", "Decision text written by the handler"),
    "legal_basis": pgettext_lazy("letter placeholder", "Legal basis"),
    "documents": pgettext_lazy("letter placeholder", "Documents or excerpts provided, or where to get them"),
    "other_organ": pgettext_lazy("letter placeholder", "Organ that holds the information"),
    "correction_text": pgettext_lazy("letter placeholder", "What to correct"),
    "correction_deadline": pgettext_lazy("letter placeholder", "Correction due date"),
    "correction_requested_on": pgettext_lazy("letter placeholder", "Date the correction was requested"),
    "extension_days": pgettext_lazy("letter placeholder", "Extension in working days"),
    "extension_reason": pgettext_lazy("letter placeholder", "Reason for the extension"),
    "third_party": pgettext_lazy("letter placeholder", "Third party consulted"),
    "consultation_question": pgettext_lazy("letter placeholder", "Question put to the third party"),
    "answer_due_on": pgettext_lazy("letter placeholder", "Third party's answer due date"),
    "fee_scheme": pgettext_lazy("letter placeholder", "Fee scheme"),
    "fee_amount": pgettext_lazy("letter placeholder", "Fee amount (yuan)"),
    "fee_explanation": pgettext_lazy("letter placeholder", "How the fee was computed"),
    "payment_method": pgettext_lazy("letter placeholder", "How to pay"),
    "pay_by": pgettext_lazy("letter placeholder", "Payment due date"),
}
FROM_ORGAN = ("organ", "office", "organ_phone", "organ_address", "reconsideration_body", "court")
# A wording written for both kinds of applicant; with the applicant known, the letter says {{you}} instead.
BOTH_KINDS = "您（单位）"
# Letters are Chinese documents: what stands in for the organ's seal until it is stamped.
SEAL_TEXT = "（盖章）"
DEFAULT_COURT = "有管辖权的人民法院"
DEFAULT_RECONSIDERATION = "上一级行政机关"

PDF_FONT = "Noto Serif CJK SC"
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"


@dataclass(frozen=True)
class LetterSource:
    kind: str
    title: str
    body: str
    origin: str  # "organ", "platform" or "default"


@dataclass(frozen=True)
class FilledLetter:
    title: str
    reference: str
    salutation: str
    paragraphs: tuple[str, ...]
    organ_name: str
    date_text: str

    @property
    def text(self) -> str:
        lines = [self.title]
        if self.reference:
            lines.append(self.reference)
        lines.append("")
        if self.salutation:
            lines.append(self.salutation)
        lines.extend(self.paragraphs)
        lines += ["", self.organ_name + SEAL_TEXT, self.date_text]
        return "\n".join(lines)


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def check_template(title: str, body: str) -> None:
    """Raise DomainError naming the field when a template cannot be used."""
    if not (title or "").strip():
        raise DomainError(_("Give the letter a title."), field="title")
    if len(title) > 100:
        raise DomainError(_("The title may have at most 100 characters."), field="title")
    if not (body or "").strip():
        raise DomainError(_("The letter text is empty."), field="body")
    if len(body) > MAX_BODY:
        raise DomainError(_("The letter text may have at most %(n)s characters.") % {"n": MAX_BODY}, field="body")
    for field, text in (("title", title), ("body", body)):
        unknown = sorted(placeholders_in(text) - set(PLACEHOLDERS))
        if unknown:
            raise DomainError(
                _("Unknown placeholder: %(names)s. Use only the placeholders listed.") % {"names": ", ".join(f"{{{{{n}}}}}" for n in unknown)},
                field=field,
            )
        if text.count("{{") != len(PLACEHOLDER.findall(text)):
            raise DomainError(_("A placeholder is not written like {{applicant}}."), field=field)


def template_for(kind: str, organ: Organ | None = None) -> LetterSource:
    """The wording in force for ``kind`` at ``organ``."""
    from gongkai.letters.models import LetterTemplate

    if kind not in DEFAULTS:
        raise DomainError(_("Unknown letter “%(kind)s”.") % {"kind": kind}, field="kind")
    rows = LetterTemplate.objects.filter(kind=kind, is_active=True)
    if organ is not None and organ.pk is not None:
        own = rows.filter(organ=organ).first()
        if own:
            return LetterSource(kind, own.title, own.body, "organ")
    platform = rows.filter(organ__isnull=True).first()
    if platform:
        return LetterSource(kind, platform.title, platform.body, "platform")
    default = DEFAULTS[kind]
    return LetterSource(kind, default.title, default.body, "default")


def format_date(value: dt.date) -> str:
    """2027年1月5日 (公文 style, no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def reconsideration_body(organ: Organ) -> str:
    """The organ's own setting, else the people's government it belongs to (for a government, the one above)."""
    if getattr(organ, "reconsideration_body", ""):
        return organ.reconsideration_body
    government = organ.government
    if government is not None and government.pk == organ.pk:
        government = organ.parent.government if organ.parent is not None else None
    return government.name if government is not None else DEFAULT_RECONSIDERATION


def organ_context(organ: Organ | None) -> dict[str, str]:
    if organ is None:
        return {}
    return {
        "organ": organ.name,
        "office": getattr(organ, "office_name", "") or organ.name,
        "organ_phone": getattr(organ, "phone", "") or "",
        "organ_address": getattr(organ, "address", "") or "",
        "reconsideration_body": reconsideration_body(organ),
        "court": getattr(organ, "court", "") or DEFAULT_COURT,
    }


def fill(source: LetterSource, *, organ: Organ | None, context: dict) -> FilledLetter:
    """Substitute the placeholders. Every placeholder the wording uses must be
    in ``context`` (an empty string is a value); otherwise DomainError lists
    the missing ones, so no letter goes out with a gap."""
    values = {**organ_context(organ), **{k: _text(v) for k, v in context.items()}}
    when = context.get("date") or dt.date.today()
    values["date"] = _text(when)
    needed = placeholders_in(source.title) | placeholders_in(source.body)
    missing = sorted(n for n in needed if n not in values)
    if missing:
        labels = "、".join(f"{PLACEHOLDERS.get(n, n)}（{{{{{n}}}}}）" for n in missing)
        raise DomainError(_("The letter needs values for: %(names)s.") % {"names": labels}, field="context")

    def sub(text: str) -> str:
        text = PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
        return text.replace(BOTH_KINDS, values["you"]) if values.get("you") else text

    lines = [line.strip() for line in sub(source.body.replace("\r\n", "\n")).split("\n")]
    lines = [line for line in lines if line]
    salutation = ""
    if lines and lines[0].endswith(("：", ":")) and len(lines[0]) <= 80:
        salutation, lines = lines[0], lines[1:]
    if context.get("letter_number"):
        reference = _text(context["letter_number"])
    else:
        reference = _text(context.get("reference", context.get("tracking_number", "")))
        reference = f"（{reference}）" if reference else ""
    return FilledLetter(
        title=sub(source.title).strip(),
        reference=reference,
        salutation=salutation,
        paragraphs=tuple(lines),
        organ_name=values.get("organ", ""),
        date_text=values["date"],
    )


# --- DOCX ---------------------------------------------------------------------


def _docx_run_font(run: Run, east_asia: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def render_docx(letter: FilledLetter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    document.core_properties.title = letter.title
    document.core_properties.author = letter.organ_name

    def paragraph(text: str, *, align: Any = None, indent: bool = False, font: str = DOCX_BODY_FONT, size: float = 16,
                  bold: bool = False, space_after: float = 0) -> Paragraph:
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(28)
        fmt.space_after = Pt(space_after)
        if align is not None:
            p.alignment = align
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        _docx_run_font(p.add_run(text), font, size, bold)
        return p

    paragraph(letter.title, align=WD_ALIGN_PARAGRAPH.CENTER, font=DOCX_TITLE_FONT, size=22, bold=True, space_after=6)
    if letter.reference:
        paragraph(letter.reference, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    if letter.salutation:
        paragraph(letter.salutation)
    for text in letter.paragraphs:
        paragraph(text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph("")
    paragraph(SEAL_TEXT, align=WD_ALIGN_PARAGRAPH.RIGHT, size=12)
    paragraph(letter.organ_name, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(letter.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------

PDF_CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{ content: counter(page); font-family: "{PDF_FONT}"; font-size: 10.5pt; }} }}
body {{ font-family: "{PDF_FONT}", serif; font-size: 16pt; line-height: 28pt; color: #000; margin: 0; }}
h1 {{ font-size: 22pt; line-height: 34pt; font-weight: bold; text-align: center; margin: 0 0 6pt; }}
p {{ margin: 0; text-align: justify; }}
p.reference {{ text-align: center; margin-bottom: 12pt; }}
p.body {{ text-indent: 2em; }}
.signature {{ margin-top: 28pt; text-align: right; page-break-inside: avoid; }}
.signature p {{ text-align: right; }}
.signature {{ position: relative; }}
.seal {{ position: absolute; right: 8mm; top: -14mm; width: 42mm; height: 42mm; border: 1.5pt dashed #999;
  border-radius: 50%; color: #999; font-size: 10.5pt; line-height: 14pt; text-align: center;
  display: flex; flex-direction: column; justify-content: center; }}
.seal p {{ text-align: center; }}
"""


def letter_html(letter: FilledLetter, *, standalone: bool = True) -> str:
    """The letter as HTML (escaped): the PDF's source, also the on-screen preview."""
    parts = [f"<h1>{escape(letter.title)}</h1>"]
    if letter.reference:
        parts.append(f'<p class="reference">{escape(letter.reference)}</p>')
    if letter.salutation:
        parts.append(f'<p class="salutation">{escape(letter.salutation)}</p>')
    parts += [f'<p class="body">{escape(text)}</p>' for text in letter.paragraphs]
    # The seal area (盖章处) over the signature, in the PDF; the on-screen preview names it in words.
    if standalone:
        seal = f'<div class="seal"><p>{escape(letter.organ_name)}</p><p>{escape(SEAL_TEXT)}</p></div>'
    else:
        seal = f'<p class="seal-note">{escape(SEAL_TEXT)}</p>'
    parts.append(f'<div class="signature">{seal}<p>{escape(letter.organ_name)}</p><p>{escape(letter.date_text)}</p></div>')
    inner = "\n".join(parts)
    if not standalone:
        return f'<div class="letter">{inner}</div>'
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(letter.title)}</title><style>{PDF_CSS}</style></head><body>{inner}</body></html>"
    )


# WeasyPrint reports every layout step at INFO; one line per step per letter is noise in the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(letter: FilledLetter) -> bytes:
    """About 1.5 s a letter (subsetting the CJK font), more for the first one in a process."""
    from weasyprint import HTML

    # No base_url and no external resources: nothing is fetched while rendering.
    return HTML(string=letter_html(letter)).write_pdf()


# --- The interface ---------------------------------------------------------------


def render_letter(kind: str, *, organ: Organ | None, context: dict, source: LetterSource | None = None) -> tuple[bytes, bytes, str]:
    """Render the letter ``kind`` for ``organ`` with ``context``.

    Returns ``(docx_bytes, pdf_bytes, text)``. ``context`` holds the
    placeholder values (dates may be ``datetime.date``; ``date`` defaults to
    today); the organ's name, office, phone and address come from ``organ``.
    ``source`` renders a wording that is not saved yet (the editor's preview).
    Raises ``DomainError`` for an unknown kind or missing values.
    """
    source = source or template_for(kind, organ)
    letter = fill(source, organ=organ, context=context)
    return render_docx(letter), render_pdf(letter), letter.text


def sample_context() -> dict:
    """Invented values for every placeholder, for previews in the editor."""
    today = dt.date.today()
    return {
        "applicant": "张三",
        "you": "您",
        "letter_number": f"某政信公〔{today.year}〕12号",
        "tracking_number": f"申{today.year}-00012",
        "received_on": today - dt.timedelta(days=10),
        "due_on": today + dt.timedelta(days=18),
        "subject": "2026年度部门预算执行情况",
        "decision": "（此处为经办人撰写的答复正文。）",
        "legal_basis": "《中华人民共和国政府信息公开条例》第十四条",
        "documents": "《2026年度部门预算执行情况报告》（见附件）",
        "other_organ": "负责公开该政府信息的机关为：某市财政局，联系电话：0755-00000000。",
        "correction_text": "请说明所需信息的具体名称或文号。",
        "correction_deadline": today + dt.timedelta(days=15),
        "correction_requested_on": today - dt.timedelta(days=5),
        "extension_days": 20,
        "extension_reason": "所需信息涉及多个部门，需要协调",
        "third_party": "某某有限公司",
        "consultation_question": "是否同意公开贵公司提交的项目申报材料",
        "answer_due_on": today + dt.timedelta(days=21),
        "fee_scheme": "按件计收",
        "fee_amount": "100",
        "fee_explanation": "第11—30件：1件 × 100元/件 = 100元\n合计：100元",
        "payment_method": "银行转账至本机关指定账户（账号见缴费说明）",
        "pay_by": today + dt.timedelta(days=28),
        "date": today,
    }
