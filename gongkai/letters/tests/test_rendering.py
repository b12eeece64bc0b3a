import datetime as dt
import io

import pytest
from docx import Document
from pypdf import PdfReader

from gongkai.applications.letter_texts import ALL_KINDS, PROCEDURAL_KINDS, reply_kind
from gongkai.applications.taxonomy import Outcome
from gongkai.core.errors import DomainError
from gongkai.factories import OrganFactory
from gongkai.letters.defaults import DEFAULTS
from gongkai.letters.rendering import fill, render_letter, sample_context, template_for


@pytest.fixture
def organ(db):
    return OrganFactory(name="某市教育局", office_name="某市教育局办公室", phone="0755-88886666")


def context(**extra):
    return {**sample_context(), "date": dt.date(2027, 1, 5), "tracking_number": "教申〔2027〕12号", **extra}


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for descendant in descendants:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.add(f"{font['/BaseFont']}{' (embedded)' if embedded else ''}")
    return fonts


def test_there_is_a_default_letter_for_every_step_and_every_outcome():
    assert set(ALL_KINDS) == set(PROCEDURAL_KINDS) | {reply_kind(o) for o in Outcome}
    assert len(ALL_KINDS) == 5 + 21


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_kind_renders_to_text_docx_and_pdf(organ, kind):
    docx, pdf, text = render_letter(kind, organ=organ, context=context())

    title = DEFAULTS[kind].title
    assert text.startswith(title)
    assert "某市教育局" in text and "2027年1月5日" in text
    paragraphs = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert paragraphs[0] == title
    assert "某市教育局" in paragraphs and "2027年1月5日" in paragraphs
    assert title in pdf_text(pdf).replace("\n", "")


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_every_default_cites_the_regulations(kind):
    body = DEFAULTS[kind].body
    if kind == reply_kind(Outcome.OTHER):
        assert "{{legal_basis}}" in body  # 其他处理: the handler states the basis
    else:
        assert "《中华人民共和国政府信息公开条例》第" in body


def test_the_pdf_carries_the_chinese_text_and_embeds_the_cjk_font(organ):
    _docx, pdf, _text = render_letter("correction", organ=organ, context=context(correction_text="请写明文件的发文字号。"))

    text = pdf_text(pdf).replace("\n", "")
    assert "请写明文件的发文字号。" in text
    assert "第三十条" in text
    fonts = pdf_fonts(pdf)
    assert any("Noto-Serif-CJK-SC" in f and f.endswith("(embedded)") for f in fonts), fonts


def test_the_docx_names_a_chinese_font_and_lays_out_the_signature_on_the_right(organ):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    docx, _pdf, _text = render_letter("receipt", organ=organ, context=context())

    document = Document(io.BytesIO(docx))
    title, *_rest = document.paragraphs
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.bold
    assert title.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    organ_line, date_line = document.paragraphs[-2:]
    assert (organ_line.text, date_line.text) == ("某市教育局", "2027年1月5日")
    assert organ_line.alignment == date_line.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_the_reply_letter_carries_the_decision_and_the_legal_basis(organ):
    _docx, _pdf, text = render_letter(
        reply_kind(Outcome.WITHHELD_PROCESS), organ=organ, context=context(decision="该文件为内部讨论稿。", legal_basis="条例第十六条第二款")
    )

    assert "该文件为内部讨论稿。" in text
    assert "条例第十六条第二款" in text
    assert "过程性信息" in text


def test_a_missing_value_is_named_and_nothing_is_rendered(organ):
    ctx = context()
    del ctx["correction_text"]

    with pytest.raises(DomainError) as error:
        render_letter("correction", organ=organ, context=ctx)

    assert "correction_text" in str(error.value.message)


def test_values_are_escaped_in_the_pdf_source(organ):
    from gongkai.letters.rendering import letter_html

    letter = fill(template_for("receipt", organ), organ=organ, context=context(applicant="<script>alert(1)</script>"))

    html = letter_html(letter)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_an_unknown_kind_is_refused(organ):
    with pytest.raises(DomainError):
        render_letter("reply.nonsense", organ=organ, context=context())


def test_a_salutation_is_not_indented_and_the_letter_number_is_under_the_title(organ):
    letter = fill(template_for("receipt", organ), organ=organ, context=context(letter_number="某政信公〔2027〕12号"))

    assert letter.salutation == "张三："
    assert letter.reference == "某政信公〔2027〕12号"
    assert letter.paragraphs[0].startswith("您提出的政府信息公开申请已收到")


def test_without_a_letter_number_the_tracking_number_stands_under_the_title(organ):
    values = context()
    del values["letter_number"]
    assert fill(template_for("receipt", organ), organ=organ, context=values).reference == "（教申〔2027〕12号）"


def test_an_organisation_is_addressed_as_such_also_in_an_organs_older_wording(organ):
    from gongkai.letters.rendering import LetterSource

    source = LetterSource("receipt", "回执", "{{applicant}}：\n您（单位）提出的申请已收到。", "organ")
    letter = fill(source, organ=organ, context=context(you="贵单位"))
    assert letter.paragraphs == ("贵单位提出的申请已收到。",)
    assert not any("您（单位）" in p for kind in ALL_KINDS for p in fill(template_for(kind, organ), organ=organ, context=context(you="贵单位")).paragraphs)


def test_the_reply_names_the_reconsideration_body_and_the_court_from_the_organs_settings(organ):
    organ.reconsideration_body, organ.court = "某市人民政府", "某市某区人民法院"
    text = fill(template_for(reply_kind(Outcome.DISCLOSED), organ), organ=organ, context=context()).text
    assert "六十日内向某市人民政府申请行政复议" in text and "六个月内向某市某区人民法院提起行政诉讼" in text


def test_without_settings_the_reply_names_the_government_the_organ_belongs_to(db):
    from gongkai.factories import GovernmentFactory

    government = GovernmentFactory(name="某市人民政府")
    bureau = OrganFactory(name="某市统计局", parent=government)
    text = fill(template_for(reply_kind(Outcome.DISCLOSED), bureau), organ=bureau, context=context()).text
    assert "向某市人民政府申请行政复议" in text and "向有管辖权的人民法院提起行政诉讼" in text


def test_the_pdf_has_a_seal_area_with_the_organs_name(organ):
    _docx, pdf, text = render_letter("receipt", organ=organ, context=context())
    assert "（盖章）" in pdf_text(pdf) and "某市教育局（盖章）" in text
