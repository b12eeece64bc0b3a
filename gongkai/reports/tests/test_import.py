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


@pytest.mark.django_db
def test_import_is_refused_to_the_supervising_office_and_to_roles_that_do_not_prepare_the_report(office):
    """Reading an organ is not writing to it: the city's disclosure office, which supervises the bureau, and the
    bureau's own leaders may read its reports but import none into it."""
    from gongkai.core.errors import NotAllowed
    from gongkai.factories import GovernmentFactory, member
    from gongkai.organs.models import Role
    from gongkai.reports.models import AnnualReport

    city = GovernmentFactory()
    office.organ.parent = city
    office.organ.save()
    supervisor = member(city, Role.DISCLOSURE_OFFICE)
    content = (FIXTURES / "report_three_tables.html").read_bytes()
    for person in (supervisor, office.deputy, office.principal, office.webadmin):
        with pytest.raises(NotAllowed):
            importing.import_report(office.organ, 2024, by=person, content=content, filename="three.html")
    assert not AnnualReport.objects.filter(organ=office.organ).exists()
    assert importing.import_report(office.organ, 2024, by=office.clerk, content=content, filename="three.html").pk


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


# --- the public check: anyone, nothing stored ------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_can_have_a_published_report_read_and_checked_and_nothing_is_stored(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from gongkai.core.models import AuditEvent
    from gongkai.reports.models import AnnualReport

    name = "report_three_tables.html"
    upload = SimpleUploadedFile(name, (FIXTURES / name).read_bytes())
    response = client.post(reverse("reports_public:check"), {"file": upload})
    assert response.status_code == 200
    failed = [f["text"] for f in response.context["failed"]]
    assert len(failed) == 2 and any("R3" in t and "予以公开" in t for t in failed) and any("R2" in t for t in failed)
    html = response.content.decode()
    assert 'data-cell="t3.disclosed.total">8<' in html  # the tables as read
    assert AnnualReport.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_the_public_check_names_the_part_it_could_not_read(client):
    from django.urls import reverse

    html = (FIXTURES / "report_one_table.html").read_text(encoding="utf-8")
    cut = html.index("<tr><td colspan=\"15\">")
    html = html[:cut] + "</table>" + html[html.index("<p>五、"):]
    response = client.post(reverse("reports_public:check"), {"html": html})
    assert response.status_code == 200
    assert any("表四" in p for p in response.context["parsed"].problems)
    assert "表四" in response.content.decode()


@pytest.mark.django_db
def test_the_public_check_refuses_a_page_that_is_not_a_report_saying_why(client):
    from django.urls import reverse

    response = client.post(reverse("reports_public:check"), {"html": (FIXTURES / "not_a_report.html").read_text(encoding="utf-8")})
    assert response.status_code == 400
    assert "规章" in str(response.context["form"].errors["html"])


@pytest.mark.django_db
def test_the_public_check_needs_a_file_or_html(client):
    from django.urls import reverse

    response = client.post(reverse("reports_public:check"), {})
    assert response.status_code == 400 and response.context["form"].non_field_errors()


def test_a_file_far_larger_than_a_report_is_refused(settings):
    with pytest.raises(DomainError) as error:
        importing.read(b"<p>" + b"x" * (settings.UPLOAD_LIMITS["report_import"] + 1), "big.html")
    assert error.value.field == "file"


def test_a_docx_that_unpacks_to_too_much_is_refused_before_it_is_opened(settings):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (settings.REPORT_MAX_UNPACKED_BYTES + 1))
    with pytest.raises(DomainError) as error:
        importing.read(buffer.getvalue(), "bomb.docx")
    assert "MB" in str(error.value.message)


@pytest.mark.django_db
def test_the_supervising_office_may_not_import_a_report_into_an_organ_it_only_supervises(client):
    from django.urls import reverse

    from gongkai.core.errors import NotAllowed
    from gongkai.factories import GovernmentFactory, OrganFactory
    from gongkai.reports.models import AnnualReport
    from gongkai.reports.tests.factories import Office

    city = Office(organ=GovernmentFactory())
    bureau = OrganFactory(parent=city.organ)
    with pytest.raises(NotAllowed):
        importing.import_report(bureau, 2024, by=city.office, content=b"<p>x</p>")
    client.force_login(city.office)
    response = client.post(reverse("reports_ws:import"), {"organ": bureau.pk, "year": 2024, "html": "<p>x</p>"})
    assert response.status_code == 400
    assert "organ" in response.context["form"].errors
    assert not AnnualReport.objects.filter(organ=bureau).exists()
