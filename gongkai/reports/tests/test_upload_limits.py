"""Hostile files given to the report reader (public check, import, figures spreadsheet), and the
statistics workbook's cells."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.errors import DomainError
from gongkai.core.tests import bombs
from gongkai.reports import importing, services, stats
from gongkai.reports.tests.factories import Office


@pytest.mark.django_db
def test_the_public_check_refuses_a_docx_bomb_naming_the_file_field(client):
    upload = SimpleUploadedFile("年报.docx", bombs.docx_bomb(30 * bombs.MB))
    response = client.post(reverse("reports_public:check"), {"file": upload})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


@pytest.mark.django_db
def test_the_public_check_refuses_a_file_over_the_report_limit_before_reading_it(client, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "report_import": 2048}
    upload = SimpleUploadedFile("年报.html", b"<p>" + b"x" * 4096 + b"</p>")
    response = client.post(reverse("reports_public:check"), {"file": upload})
    assert response.status_code == 400 and response.context["form"].errors["file"]


def test_a_docx_with_a_huge_table_is_refused_before_its_cells_are_walked(settings):
    settings.REPORT_MAX_TABLE_CELLS = 1000
    with pytest.raises(DomainError) as error:
        importing.read(bombs.docx_many_cells(5000), "年报.docx")
    assert error.value.field == "file" and "1000" in str(error.value.message)


def test_a_docx_of_too_many_parts_is_refused(settings):
    settings.ARCHIVE_MAX_MEMBERS = 100
    with pytest.raises(DomainError) as error:
        importing.read(bombs.zip_many_members(300), "年报.docx")
    assert error.value.code == "archive_members"


@pytest.mark.django_db
def test_a_figures_spreadsheet_bomb_is_refused_and_nothing_saved():
    office = Office()
    report = services.generate(office.organ, 2025, by=office.office)
    with pytest.raises(DomainError) as error:
        services.import_manual_figures(report, SimpleUploadedFile("执法统计.xlsx", bombs.xlsx_rows_bomb(100_000)), by=office.office)
    assert error.value.field == "file"
    with pytest.raises(DomainError) as error:
        services.import_manual_figures(report, SimpleUploadedFile("执法统计.xlsx", bombs.xlsx_sparse_bomb(3_000_000)), by=office.office)
    assert error.value.field == "file"
    assert report.manual_figures.count() == 0


def test_the_statistics_workbook_writes_labels_as_text_cells():
    import openpyxl

    chart = stats.Chart(code="x", title="@标题", kind="bar", label_header="+部门", value_header="件数",
                        labels=['=HYPERLINK("http://x","y")', "-1+2"], values=[3, 4], note="\t说明")
    sheet = openpyxl.load_workbook(io.BytesIO(stats.to_xlsx([chart], title="=2025"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type in ("s", "n") for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in texts and "'-1+2" in texts and "'=2025" in texts
    assert all(not text.startswith(("=", "+", "-", "@", "\t", "\r")) for text in texts)
    assert [cell.value for cell in cells if cell.data_type == "n"] == [3, 4]


def test_a_page_declaring_enormous_spans_is_read_with_capped_spans():
    html = '<h1>2025年政府信息公开工作年度报告</h1><table><tr><td rowspan="1000000" colspan="1000">规章</td><td>1</td></tr></table>'
    blocks = importing.html_blocks(html)
    table = [value for kind, value in blocks if kind == "table"][0]
    assert len(table) == importing.MAX_SPAN


def test_a_page_with_too_many_table_cells_is_refused(settings):
    settings.REPORT_MAX_TABLE_CELLS = 1000
    rows = "".join(f"<tr>{'<td>1</td>' * 100}</tr>" for _ in range(200))
    with pytest.raises(DomainError) as error:
        importing.read(f"<table>{rows}</table>".encode(), "page.html")
    assert error.value.field == "file"
