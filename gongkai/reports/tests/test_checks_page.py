"""The checks on the report page: failures and warnings first, the rest folded, every rule said in words;
overdue reports marked on the reports home."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.reports import checks, services
from gongkai.reports.tests.factories import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_report(office):
    application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 5), outcome="")
    return services.generate(office.organ, 2025, by=office.office)


def checks_section(html: str) -> str:
    start = html.index('id="checks"')
    return html[start:html.index("</section>", start)]


def test_failures_come_first_and_the_passed_checks_are_folded(client, office, failing_report):
    client.force_login(office.office)
    section = checks_section(client.get(reverse("reports_ws:report", args=[failing_report.pk])).content.decode())
    folded = section.index('<details id="checks-passed">')
    assert section.index('id="checks-failed"') < folded
    assert 'data-rule="R2" data-where="natural_person"' in section[:folded]
    assert section[folded:].count('class="passed"') >= 1
    assert 'class="passed"' not in section[:folded]


def test_warnings_are_shown_not_folded(client, office):
    report = services.generate(office.organ, 2025, by=office.office)
    report.cells = {**report.cells, "t3.received.commercial": None}  # blank beside numbers: a warning
    report.findings = checks.run(report)
    report.save()
    client.force_login(office.office)
    section = checks_section(client.get(reverse("reports_ws:report", args=[report.pk])).content.decode())
    assert 'id="checks-warnings"' in section
    assert section.index('id="checks-warnings"') < section.index('<details id="checks-passed">')


def test_every_rule_is_said_in_words_without_a_bare_code(client, office, failing_report):
    client.force_login(office.office)
    html = client.get(reverse("reports_ws:report", args=[failing_report.pk])).content.decode()
    section = checks_section(html)
    assert "表格校验" in section and "R1–R5" not in html
    texts = re.findall(r'data-rule="R\d"[^>]*>(?:<strong>)?([^<]+)', section)
    assert texts
    for text in texts:
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) >= 8, text
    visible = re.sub(r"<[^>]+>", " ", section)  # the codes stay only in data attributes, for scripts and tests
    assert not re.search(r"(?<![A-Za-z0-9])R\d(?![0-9])", visible), visible
    assert "办理结果总计等于各项办理结果之和" in section


def test_the_public_check_page_names_no_bare_codes(client):
    code = re.compile(r"(?<![A-Za-z0-9])R\d(?![0-9])")
    for url in (reverse("reports_public:check"), reverse("reports_public:index")):
        visible = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())  # not the form's hidden token
        assert not code.search(visible), url


def test_an_overdue_report_is_marked_on_the_reports_home(client, office, monkeypatch):
    services.generate(office.organ, 2025, by=office.office)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 2, 3))
    client.force_login(office.office)
    html = client.get(reverse("reports_ws:home") + "?year=2025").content.decode()
    assert 'id="overdue-note"' in html and "2026-01-31" in html
    row = html[html.index(f"<td>{office.organ.name}</td>"):]
    row = row[: row.index("</tr>")]
    assert "badge bad overdue" in row and "逾期未发布" in row


def test_before_the_deadline_nothing_is_marked_overdue(client, office, monkeypatch):
    services.generate(office.organ, 2025, by=office.office)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 1, 20))
    client.force_login(office.office)
    html = client.get(reverse("reports_ws:home") + "?year=2025").content.decode()
    assert "overdue" not in html


def test_the_home_lists_signed_off_reports_for_the_person_who_publishes(client, office):
    from gongkai.reports.models import ReportStatus

    report = services.generate(office.organ, 2025, by=office.office)
    type(report).objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED)
    for person, listed in ((office.webadmin, True), (office.clerk, False)):
        client.force_login(person)
        html = client.get(reverse("reports_ws:home") + "?year=2025").content.decode()
        assert ('id="to-publish"' in html and reverse("reports_ws:report", args=[report.pk]) in html) == listed


def test_the_public_check_result_says_every_rule_in_words(client):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    name = "report_three_tables.html"
    content = (Path(__file__).resolve().parent / "fixtures" / name).read_bytes()
    html = client.post(reverse("reports_public:check"), {"file": SimpleUploadedFile(name, content)}).content.decode()
    result = html[html.index('id="check-result"'):]
    visible = re.sub(r"<[^>]+>", " ", result[: result.index("annual-report")])
    assert "每一行的总计等于六类申请人之和" in visible
    assert not re.search(r"(?<![A-Za-z0-9])R\d(?![0-9])", visible), visible
