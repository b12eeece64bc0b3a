"""Import of published reports in three layouts, and of things that are not reports."""

import json
from pathlib import Path

import pytest

from gongkai.core.errors import DomainError
from gongkai.reports import importing, structure
from gongkai.reports.models import ReportOrigin

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
LAYOUTS = ["report_merged_headers.docx", "report_one_table.html", "report_three_tables.html"]


def read(name):
    return importing.read((FIXTURES / name).read_bytes(), name)


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_cell_of_each_layout_is_read(name):
    _kind, parsed = read(name)
    expected = {k: v for k, v in EXPECTED[name].items()}
    got = {k: parsed.cells.get(k) for k in structure.ALL_KEYS}
    assert got == expected


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout_is_read_completely(name):
    _kind, parsed = read(name)
    assert parsed.problems == []


@pytest.mark.parametrize("name", LAYOUTS)
def test_the_text_sections_and_title_are_read(name):
    _kind, parsed = read(name)
    assert parsed.title.startswith(EXPECTED["title"])
    for code in structure.TEXT_SECTIONS:
        assert parsed.texts[code].splitlines() == EXPECTED["texts"][code]


def test_a_page_that_is_not_a_report_is_refused_with_the_parts_not_read():
    with pytest.raises(DomainError) as error:
        read("not_a_report.html")
    assert "2021" in str(error.value.message)
    assert "规章" in str(error.value.message)


def test_an_empty_file_is_refused():
    with pytest.raises(DomainError):
        importing.read(b"", "empty.html")


def test_a_broken_docx_is_refused():
    with pytest.raises(DomainError):
        importing.read(b"PK\x03\x04not really a zip", "broken.docx")


def test_a_report_missing_table_four_is_imported_with_a_note_naming_it():
    html = (FIXTURES / "report_one_table.html").read_text(encoding="utf-8")
    cut = html.index("<tr><td colspan=\"15\">")
    html = html[:cut] + "</table>" + html[html.index("<p>五、"):]
    _kind, parsed = importing.read(html.encode(), "cut.html")
    assert any("表四" in p or "Table 四" in p for p in parsed.problems)
    assert parsed.cells.get("t4.reconsideration.total") is None


@pytest.mark.django_db
def test_an_imported_report_is_checked_and_its_failures_named(office):
    content = (FIXTURES / "report_three_tables.html").read_bytes()
    report = importing.import_report(office.organ, 2024, by=office.office, content=content, filename="three.html", source="https://example.gov.cn/nb.html")
    assert report.origin == ReportOrigin.IMPORTED
    assert report.imported_from == "https://example.gov.cn/nb.html"
    failing = {(f["rule"], f["where"]) for f in report.failing}
    assert failing == {("R3", "disclosed"), ("R2", "total")}
    blank = next(f for f in report.findings if f["rule"] == "R1" and f["where"] == "research")
    assert blank["status"] == "blank"


@pytest.mark.django_db
def test_import_is_refused_for_an_organ_the_user_cannot_read(office):
    from gongkai.core.errors import NotAllowed
    from gongkai.factories import OrganFactory

    with pytest.raises(NotAllowed):
        importing.import_report(OrganFactory(), 2024, by=office.office, content=b"<p>x</p>")


def test_numbers_in_every_published_format_are_read():
    assert importing.parse_number("１２") == 12
    assert importing.parse_number(" 1,234 ") == 1234
    assert importing.parse_number("—") is None
    assert importing.parse_number("") is None
    assert importing.parse_number("0") == 0
    assert str(importing.parse_number("3.2500", amount=True)) == "3.2500"
    with pytest.raises(ValueError):
        importing.parse_number("-3")
    with pytest.raises(ValueError):
        importing.parse_number("1.5")
