"""DOCX re-read with python-docx matches the data; PDF rendered to PNG for a look."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from gongkai.reports import exports, layout, services, structure
from gongkai.reports.tests.test_generate import make_fixture

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "reports"


@pytest.fixture
def report(office):
    make_fixture(office.organ)
    report = services.generate(office.organ, 2025, by=office.office)
    report = services.set_manual_figure(report, "licensing", "1234", by=office.office)
    return services.set_manual_figure(report, "fees", "3.1416", by=office.office)


def docx_tables(content):
    document = Document(io.BytesIO(content))
    return document, document.tables


def test_the_docx_has_the_title_and_six_sections_in_order(report):
    document, _tables = docx_tables(exports.render_docx(report))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == report.display_title
    headings = [t for t in texts if t in dict(structure.SECTIONS).values()]
    assert headings == [heading for _code, heading in structure.SECTIONS]


def test_every_table_cell_in_the_docx_matches_the_report(report):
    _document, tables = docx_tables(exports.render_docx(report))
    assert len(tables) == 3
    values = report.values()
    for table, rows in zip(tables, layout.tables(values).values(), strict=True):
        _width, placed = layout.grid(rows)
        for r, c, cell in placed:
            if cell.is_figure:
                assert table.cell(r, c).text == structure.format_value(cell.key, values[cell.key]), cell.key


def test_the_docx_merges_the_header_cells_like_the_official_format(report):
    _document, tables = docx_tables(exports.render_docx(report))
    t3 = tables[1]
    # The note cell spans three columns and three rows; 法人或其他组织 spans five columns.
    assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc
    assert t3.cell(1, 4)._tc is t3.cell(1, 8)._tc
    assert t3.cell(1, 4).text == "法人或其他组织"
    t4 = tables[2]
    assert t4.cell(0, 5)._tc is t4.cell(0, 14)._tc and t4.cell(0, 5).text == "行政诉讼"


def test_blank_cells_stay_blank_and_zero_prints_as_zero_in_the_docx(report):
    _document, tables = docx_tables(exports.render_docx(report))
    t2_rows = layout.table2(report.values())
    _width, placed = layout.grid(t2_rows)
    position = {cell.key: (r, c) for r, c, cell in placed if cell.is_figure}
    r, c = position["t2.penalty.decisions"]
    assert tables[0].cell(r, c).text == ""
    r, c = position["t2.rule.repealed"]
    assert tables[0].cell(r, c).text == "1"
    r, c = position["t2.fees.amount"]
    assert tables[0].cell(r, c).text == "3.1416"


def test_the_docx_of_an_imported_report_reads_back_as_the_same_report(report):
    from gongkai.reports import importing

    _kind, parsed = importing.read(exports.render_docx(report), "x.docx")
    assert parsed.problems == []
    assert {k: parsed.cells.get(k) for k in structure.ALL_KEYS} == {k: report.cells.get(k) for k in structure.ALL_KEYS}


def test_the_pdf_embeds_chinese_fonts_and_renders_to_png(report):
    pdf = exports.render_pdf(report)
    assert pdf[:4] == b"%PDF"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "annual-report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert "CJK" in fonts and " yes " in fonts
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / "annual-report-page")], check=True)
        assert sorted(ARTIFACTS.glob("annual-report-page-*.png"))


def test_the_pdf_text_has_the_figures_of_the_tables(report):
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(exports.render_pdf(report))).pages)
    assert report.display_title in text.replace("\n", "")
    assert "1234" in text and "3.1416" in text
