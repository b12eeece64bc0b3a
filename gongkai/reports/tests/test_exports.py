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


def test_the_docx_is_on_a4_with_the_margins_of_the_pdf(report):
    section = Document(io.BytesIO(exports.render_docx(report))).sections[0]
    mm = [round(length.mm) for length in (section.page_width, section.page_height, section.left_margin, section.right_margin, section.top_margin)]
    assert mm == [210, 297, 15, 15, 18]


def test_the_docx_tables_have_the_column_widths_of_the_page_and_pdf(report):
    _document, tables = docx_tables(exports.render_docx(report))
    for table, name in zip(tables, ("t2", "t3", "t4"), strict=True):
        widths = [round(column.width.mm, 1) for column in table.columns]  # stored in twips
        assert widths == [round(w, 1) for w in layout.COLUMN_WIDTHS_MM[name]], name
    # the leaf label column of table 三 is the widest, as on the page
    t3 = tables[1]
    assert t3.cell(10, 2).text == "4.保护第三方合法权益" and round(t3.cell(10, 2).width.mm) == 52


def test_the_heading_rows_of_tables_three_and_four_repeat_on_each_page_in_the_docx(report):
    from docx.oxml.ns import qn

    _document, tables = docx_tables(exports.render_docx(report))
    for table, name in zip(tables, ("t2", "t3", "t4"), strict=True):
        repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
        head = layout.HEAD_ROWS[name]
        assert repeated == [True] * head + [False] * (len(table.rows) - head), name


def test_the_pdf_and_public_page_put_the_heading_rows_in_a_thead(report):
    html = exports.render_html(report)
    t3 = html[html.index('<table class="report-table t3">'):]
    t3 = t3[: t3.index("</table>")]
    assert t3.count("<tr>") == len(layout.table3(report.values()))
    assert t3[: t3.index("</thead>")].count("<tr>") == layout.HEAD_ROWS["t3"]


def test_the_html_of_the_pdf_reads_back_as_the_same_report(report):
    """The HTML the PDF is made from, read by the importer, gives every cell of the report: the PDF and
    the DOCX (test above) carry the same figures in the same places."""
    from gongkai.reports import importing

    _kind, parsed = importing.read(exports.render_html(report).encode(), "x.html")
    assert parsed.problems == []
    assert {k: parsed.cells.get(k) for k in structure.ALL_KEYS} == {k: report.cells.get(k) for k in structure.ALL_KEYS}


def test_blank_cells_are_hatched_only_on_the_workspace_page():
    css = exports.CSS_PATH.read_text(encoding="utf-8")
    hatched = [line for line in css.splitlines() if "td.figure.blank" in line and "repeating-linear-gradient" in line]
    assert hatched and all(line.startswith(".ws-report ") for line in hatched)
