"""Every view refuses the wrong user; bad input gets a translated error naming the field."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from gongkai.factories import GovernmentFactory, OrganFactory, UserFactory, member
from gongkai.organs.models import Role
from gongkai.reports import services
from gongkai.reports.models import ReportStatus
from gongkai.reports.tests.factories import Office, application
from gongkai.signoff.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(office):
    report = services.generate(office.organ, 2025, by=office.office)
    return services.set_texts(report, by=office.office, overview="总体情况。", problems="存在的问题。", other_matters="无。")


@pytest.fixture
def outsider(db):
    return Office().office  # the disclosure office of another organ


def login(client, user):
    client.force_login(user)
    return client


REPORT_POSTS = ["figures", "figures_import", "texts", "check", "submit", "decide", "override", "publish", "return"]


@pytest.mark.parametrize("name", REPORT_POSTS)
def test_every_report_action_refuses_someone_from_another_organ(client, report, outsider, name):
    response = login(client, outsider).post(reverse(f"reports_ws:{name}", args=[report.pk]), {"comment": "x", "reason": "x" * 20})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["report", "export_docx", "export_pdf", "cell"])
def test_reading_a_report_is_refused_to_someone_from_another_organ(client, report, outsider, url):
    urls = {
        "report": reverse("reports_ws:report", args=[report.pk]),
        "export_docx": reverse("reports_ws:export", args=[report.pk, "docx"]),
        "export_pdf": reverse("reports_ws:export", args=[report.pk, "pdf"]),
        "cell": reverse("reports_ws:cell", args=[report.pk, "t3.received.total"]),
    }
    assert login(client, outsider).get(urls[url]).status_code == 403


def test_generate_is_refused_to_someone_from_another_organ(client, office, outsider):
    response = login(client, outsider).post(reverse("reports_ws:generate", args=[office.organ.pk, 2025]))
    assert response.status_code == 403


def test_generate_is_refused_to_a_leader_who_does_not_prepare_reports(client, office):
    response = login(client, office.principal).post(reverse("reports_ws:generate", args=[office.organ.pk, 2025]))
    assert response.status_code == 403


def test_the_organ_year_page_is_refused_to_someone_from_another_organ(client, office, outsider):
    assert login(client, outsider).get(reverse("reports_ws:organ_year", args=[office.organ.pk, 2025])).status_code == 403


def test_pages_need_a_login(client, report):
    response = client.get(reverse("reports_ws:report", args=[report.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_home_is_refused_to_a_user_without_any_role(client):
    assert login(client, UserFactory()).get(reverse("reports_ws:home")).status_code == 403


def test_home_lists_the_users_organs_with_their_status(client, report, office):
    response = login(client, office.office).get(reverse("reports_ws:home") + "?year=2025")
    assert response.status_code == 200
    assert office.organ.name in response.content.decode()


def test_a_clerk_cannot_override_from_the_page(client, report, office):
    response = login(client, office.clerk).post(reverse("reports_ws:override", args=[report.pk]), {"reason": "x" * 20})
    assert response.status_code == 403


def test_a_clerk_cannot_publish_from_the_page(client, report, office):
    report = services.submit(report, by=office.office)
    for person in (office.office, office.deputy, office.principal):
        report = services.decide(report, by=person, decision=Decision.APPROVE)
    response = login(client, office.clerk).post(reverse("reports_ws:publish", args=[report.pk]))
    assert response.status_code == 403


def test_only_the_current_step_may_decide(client, report, office):
    services.submit(report, by=office.office)
    response = login(client, office.principal).post(reverse("reports_ws:decide", args=[report.pk]), {"decision": "approve"})
    assert response.status_code == 403


def test_an_organ_cannot_return_its_own_report_from_the_page(client, report, office):
    response = login(client, office.office).post(reverse("reports_ws:return", args=[report.pk]), {"comment": "退回"})
    assert response.status_code == 403


def test_supervision_is_refused_to_someone_who_is_not_the_governments_disclosure_office(client, office):
    government = GovernmentFactory()
    clerk = member(government, Role.CLERK)
    assert login(client, clerk).get(reverse("reports_ws:supervision", args=[government.pk])).status_code == 403
    assert login(client, clerk).post(reverse("reports_ws:aggregate", args=[government.pk, 2025])).status_code == 403


def test_supervision_shows_each_organ_status(client):
    government = GovernmentFactory()
    supervisor = member(government, Role.DISCLOSURE_OFFICE)
    bureau = Office(OrganFactory(parent=government))
    services.generate(bureau.organ, 2025, by=bureau.office)
    response = login(client, supervisor).get(reverse("reports_ws:supervision", args=[government.pk]) + "?year=2025")
    assert response.status_code == 200
    page = response.content.decode()
    assert bureau.organ.name in page and str(ReportStatus.CHECKED.label) in page


def test_the_supervisor_can_read_and_return_an_organs_report_from_the_page(client):
    government = GovernmentFactory()
    supervisor = member(government, Role.DISCLOSURE_OFFICE)
    bureau = Office(OrganFactory(parent=government))
    report = services.generate(bureau.organ, 2025, by=bureau.office)
    login(client, supervisor)
    assert client.get(reverse("reports_ws:report", args=[report.pk])).status_code == 200
    response = client.post(reverse("reports_ws:return", args=[report.pk]), {"comment": "请补充第五部分。"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_a_supervisor_reading_cannot_edit_figures(client):
    government = GovernmentFactory()
    supervisor = member(government, Role.DISCLOSURE_OFFICE)
    bureau = Office(OrganFactory(parent=government))
    report = services.generate(bureau.organ, 2025, by=bureau.office)
    response = login(client, supervisor).post(reverse("reports_ws:figures", args=[report.pk]), {"licensing": "3"})
    assert response.status_code == 403


@pytest.mark.parametrize("field, value", [("licensing", "-3"), ("penalty", "2.5"), ("fees", "1.00001"), ("enforcement", "很多")])
def test_bad_figures_get_an_error_naming_the_field_and_save_nothing(client, report, office, field, value):
    response = login(client, office.office).post(reverse("reports_ws:figures", args=[report.pk]), {field: value})
    assert response.status_code == 400
    errors = response.context["figures_form"].errors
    assert list(errors) == [field]
    report.refresh_from_db()
    assert report.manual_figures.count() == 0


def test_figures_are_saved_and_shown_with_their_source(client, report, office):
    login(client, office.office)
    response = client.post(reverse("reports_ws:figures", args=[report.pk]), {"licensing": "12", "fees": "0.5", "note": "法制科台账"})
    assert response.status_code == 302
    page = client.get(reverse("reports_ws:report", args=[report.pk])).content.decode()
    assert "法制科台账" in page
    report.refresh_from_db()
    assert report.value("t2.licensing.decisions") == 12
    assert report.value("t2.penalty.decisions") is None


def test_the_cell_page_lists_the_records_a_figure_counts(client, office):
    case = application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 9), outcome="withheld_third_party")
    application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 9), outcome="disclosed")
    report = services.generate(office.organ, 2025, by=office.office)
    page = login(client, office.clerk).get(reverse("reports_ws:cell", args=[report.pk, "t3.withheld_third_party.natural_person"]))
    assert page.status_code == 200
    assert list(page.context["page"]) == [case]


def test_an_unknown_cell_is_not_found(client, report, office):
    assert login(client, office.office).get(reverse("reports_ws:cell", args=[report.pk, "t9.x.y"])).status_code == 404


def test_every_figure_on_the_report_page_links_to_its_records(client, report, office):
    page = login(client, office.office).get(reverse("reports_ws:report", args=[report.pk])).content.decode()
    assert reverse("reports_ws:cell", args=[report.pk, "t3.withheld_third_party.natural_person"]) in page
    assert reverse("reports_ws:cell", args=[report.pk, "t4.litigation_after.total"]) in page


def test_import_is_refused_to_a_user_without_any_role(client):
    assert login(client, UserFactory()).get(reverse("reports_ws:import")).status_code == 403


def test_import_for_an_organ_the_user_cannot_read_is_refused_as_a_bad_choice(client, office, outsider):
    response = login(client, outsider).post(reverse("reports_ws:import"), {"organ": office.organ.pk, "year": 2024, "html": "<p>x</p>"})
    assert response.status_code == 400
    assert "organ" in response.context["form"].errors


def test_an_upload_that_is_not_a_report_says_which_part_could_not_be_read(client, office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("news.html", "<html><body><p>新闻</p></body></html>".encode())
    response = login(client, office.office).post(reverse("reports_ws:import"), {"organ": office.organ.pk, "year": 2024, "file": upload})
    assert response.status_code == 400
    assert "表二" in str(response.context["form"].errors["file"]) or "二" in str(response.context["form"].errors["file"])


def test_compare_is_refused_to_someone_from_another_organ(client, report, office, outsider):
    older = services.generate(office.organ, 2024, by=office.office)
    url = reverse("reports_ws:compare") + f"?a={older.pk}&b={report.pk}"
    assert login(client, outsider).get(url).status_code == 403


def test_compare_flags_identical_paragraphs_and_large_changes(client, office):
    texts = dict(overview="我局始终高度重视政务公开工作，把政务公开作为建设法治政府的重要内容。", problems="问题。", other_matters="无。")
    older = services.generate(office.organ, 2024, by=office.office)
    services.set_texts(older, by=office.office, **texts)
    services.set_manual_figure(older, "licensing", "10", by=office.office)
    newer = services.generate(office.organ, 2025, by=office.office)
    services.set_texts(newer, by=office.office, **texts)
    services.set_manual_figure(newer, "licensing", "100", by=office.office)
    response = login(client, office.office).get(reverse("reports_ws:compare") + f"?a={older.pk}&b={newer.pk}")
    assert len(response.context["similar"]) == 1
    assert [c.key for c in response.context["large"]] == ["t2.licensing.decisions"]


def test_dashboard_is_refused_to_a_user_without_any_role(client):
    assert login(client, UserFactory()).get(reverse("reports_ws:dashboard")).status_code == 403


def test_dashboard_of_an_organ_the_user_cannot_read_is_refused(client, office, outsider):
    assert login(client, outsider).get(reverse("reports_ws:dashboard") + f"?organ={office.organ.pk}").status_code == 403


def test_dashboard_tables_and_excel_export(client, office):
    from gongkai.reports.tests.factories import item

    item(office.organ, date_formed=dt.date(2025, 3, 1))
    application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 9), outcome="disclosed",
                due_on=dt.date(2025, 3, 29))
    login(client, office.office)
    response = client.get(reverse("reports_ws:dashboard") + f"?organ={office.organ.pk}&year=2025")
    assert response.status_code == 200
    charts = {c.code: c for c in response.context["charts"]}
    assert charts["items_month"].values[2] == 1
    assert charts["apps_type"].rows == [("自然人", 1)]
    assert charts["apps_timeliness"].values[1] == 100.0
    assert 'id="table-items_category"' in response.content.decode()
    xlsx = client.get(reverse("reports_ws:dashboard") + f"?organ={office.organ.pk}&year=2025&format=xlsx&chart=apps_type")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)] == [["自然人", 1]]


def test_the_public_page_shows_only_published_reports(client, report):
    assert client.get(reverse("reports_public:report", args=[report.organ.slug, 2025])).status_code == 404
    assert client.get(reverse("reports_public:download", args=[report.organ.slug, 2025, "pdf"])).status_code == 404
    assert report.organ.name not in client.get(reverse("reports_public:index")).content.decode()


def test_a_published_report_is_public_with_its_downloads(client, report, office):
    report = services.submit(report, by=office.office)
    for person in (office.office, office.deputy, office.principal):
        report = services.decide(report, by=person, decision=Decision.APPROVE)
    services.publish(report, by=office.webadmin)
    assert report.organ.name in client.get(reverse("reports_public:index")).content.decode()
    page = client.get(reverse("reports_public:report", args=[report.organ.slug, 2025]))
    assert page.status_code == 200
    docx = client.get(reverse("reports_public:download", args=[report.organ.slug, 2025, "docx"]))
    assert b"".join(docx.streaming_content)[:2] == b"PK"


def test_an_override_is_shown_on_the_page_and_in_its_audit_trail_with_the_name_and_reason(client, office):
    application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 5), outcome="")
    report = services.generate(office.organ, 2025, by=office.office)
    reason = "该申请已移交信访部门处理，结果类型待确认。"
    response = login(client, office.principal).post(reverse("reports_ws:override", args=[report.pk]), {"reason": reason})
    assert response.status_code == 302
    page = client.get(reverse("reports_ws:report", args=[report.pk]))
    html = page.content.decode()
    entry = next(e for e in page.context["trail"] if e["action"] == "reports.checks_overridden")
    assert entry["actor_name"] == office.principal.get_full_name() and entry["reason"] == reason
    assert "R2:natural_person" in entry["detail"]
    assert str(entry["label"]) == "校验豁免"
    assert reason in html[html.index('id="audit-trail"'):]
    assert reason in html[html.index('id="override-note"'):html.index('id="override-note"') + 2000]


def test_the_audit_trail_shows_a_figures_old_and_new_value(client, report, office):
    services.set_manual_figure(report, "licensing", "12", by=office.office)
    report = services.set_manual_figure(report, "licensing", "0", by=office.office)
    trail = login(client, office.office).get(reverse("reports_ws:report", args=[report.pk])).context["trail"]
    details = [e["detail"] for e in trail if e["action"] == "reports.figure_set"]
    assert details == ["行政许可: 12 → 0", "行政许可: （空白） → 12"]


def test_the_cell_page_links_each_case_to_its_own_page(client, office):
    case = application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 9), outcome="withheld_third_party")
    report = services.generate(office.organ, 2025, by=office.office)
    html = login(client, office.clerk).get(reverse("reports_ws:cell", args=[report.pk, "t3.withheld_third_party.total"])).content.decode()
    assert f'href="{reverse("applications_ws:detail", args=[case.pk])}"' in html


def test_the_cell_page_of_table_four_shows_the_column_an_appeal_is_counted_in(client, office):
    from gongkai.reports.tests.factories import appeal

    appeal(office.organ, kind="litigation_direct", result="corrected", filed_on=dt.date(2025, 10, 1), decided_on=dt.date(2026, 2, 1))
    report = services.generate(office.organ, 2025, by=office.office)
    page = login(client, office.clerk).get(reverse("reports_ws:cell", args=[report.pk, "t4.litigation_direct.pending"]))
    [row] = list(page.context["page"])
    assert row.year_end_label == "尚未审结"
    assert "尚未审结" in page.content.decode()


def test_the_records_behind_a_failing_check_link_to_their_cases(client, office):
    case = application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 5), outcome="")
    report = services.generate(office.organ, 2025, by=office.office)
    html = login(client, office.office).get(reverse("reports_ws:report", args=[report.pk])).content.decode()
    checks = html[html.index('id="checks"'):html.index('id="checks"') + 20000]
    assert f'<a href="{reverse("applications_ws:detail", args=[case.pk])}">{case}</a>' in checks


def test_the_application_charts_count_column_is_headed_as_a_count(client, office):
    response = login(client, office.office).get(reverse("reports_ws:dashboard") + f"?organ={office.organ.pk}&year=2025")
    headers = {c.code: str(c.value_header) for c in response.context["charts"]}
    assert headers["apps_channel"] == headers["apps_type"] == headers["apps_outcome"] == "申请数（件）"


def test_the_home_page_links_a_report_with_open(client, report, office):
    html = login(client, office.office).get(reverse("reports_ws:home") + "?year=2025").content.decode()
    assert f'<a href="{reverse("reports_ws:report", args=[report.pk])}">打开</a>' in html


# --- refusals in the wrong state: a message, nothing changed -------------------------------------------


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def submitted(report, office):
    return services.submit(report, by=office.office)


def test_figures_cannot_be_changed_from_the_page_while_the_report_is_in_sign_off(client, report, office):
    submitted(report, office)
    response = login(client, office.office).post(reverse("reports_ws:figures", args=[report.pk]), {"licensing": "5"}, follow=True)
    assert any(str(ReportStatus.SUBMITTED.label) in m for m in messages_of(response)), messages_of(response)
    report.refresh_from_db()
    assert report.value("t2.licensing.decisions") is None and report.status == ReportStatus.SUBMITTED


def test_the_tables_cannot_be_regenerated_from_the_page_while_the_report_is_in_sign_off(client, report, office):
    submitted(report, office)
    version = report.version
    response = login(client, office.office).post(reverse("reports_ws:generate", args=[office.organ.pk, 2025]), follow=True)
    assert response.status_code == 200 and messages_of(response)
    report.refresh_from_db()
    assert report.version == version and report.status == ReportStatus.SUBMITTED


def test_a_report_in_sign_off_cannot_be_submitted_again_from_the_page(client, report, office):
    submitted(report, office)
    response = login(client, office.office).post(reverse("reports_ws:submit", args=[report.pk]), follow=True)
    assert messages_of(response)
    assert services.pending_signoff(report) is not None
    from gongkai.signoff.models import Signoff

    assert Signoff.objects.for_subject(report).count() == 1


def test_a_report_not_signed_off_cannot_be_published_from_the_page(client, report, office):
    response = login(client, office.webadmin).post(reverse("reports_ws:publish", args=[report.pk]), follow=True)
    assert messages_of(response)
    report.refresh_from_db()
    assert report.status != ReportStatus.PUBLISHED and not report.pdf_file


def test_a_report_not_in_sign_off_cannot_be_decided_from_the_page(client, report, office):
    response = login(client, office.office).post(reverse("reports_ws:decide", args=[report.pk]), {"decision": "approve"})
    assert response.status_code == 403


def test_a_published_report_cannot_be_returned_by_the_supervising_office(client):
    government = GovernmentFactory()
    supervisor = member(government, Role.DISCLOSURE_OFFICE)
    bureau = Office(OrganFactory(parent=government))
    report = services.generate(bureau.organ, 2025, by=bureau.office)
    report = services.set_texts(report, by=bureau.office, overview="总体情况。", problems="存在的问题。", other_matters="无。")
    report = services.submit(report, by=bureau.office)
    for person in (bureau.office, bureau.deputy, bureau.principal):
        report = services.decide(report, by=person, decision=Decision.APPROVE)
    services.publish(report, by=bureau.webadmin)
    response = login(client, supervisor).post(reverse("reports_ws:return", args=[report.pk]), {"comment": "请修改。"}, follow=True)
    assert messages_of(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED


def test_an_override_on_a_report_whose_checks_pass_is_refused_with_a_message(client, report, office):
    response = login(client, office.principal).post(reverse("reports_ws:override", args=[report.pk]), {"reason": "数据已核实，理由写得足够长。"}, follow=True)
    assert any("无需豁免" in m for m in messages_of(response)), messages_of(response)
    report.refresh_from_db()
    assert report.override_by is None


def test_the_government_wide_report_cannot_be_built_for_a_department(client, office):
    response = login(client, office.office).post(reverse("reports_ws:aggregate", args=[office.organ.pk, 2025]))
    assert response.status_code == 403


def test_an_imported_report_cannot_be_edited_from_the_page(client, office):
    from gongkai.reports.models import AnnualReport

    imported = AnnualReport.objects.create(organ=office.organ, year=2024, origin="imported", cells={"t3.received.total": 1})
    response = login(client, office.office).post(reverse("reports_ws:texts", args=[imported.pk]),
                                                {"overview": "改", "problems": "改", "other_matters": "改"}, follow=True)
    assert messages_of(response)
    imported.refresh_from_db()
    assert imported.overview == ""


def test_the_public_download_of_an_unknown_format_is_not_found(client, report, office):
    report = services.submit(report, by=office.office)
    for person in (office.office, office.deputy, office.principal):
        report = services.decide(report, by=person, decision=Decision.APPROVE)
    services.publish(report, by=office.webadmin)
    assert client.get(reverse("reports_public:download", args=[report.organ.slug, 2025, "exe"])).status_code == 404
    assert login(client, office.office).get(reverse("reports_ws:export", args=[report.pk, "exe"])).status_code == 404


def test_the_report_page_names_the_table_two_figures_not_yet_entered(client, report, office):
    services.set_manual_figure(report, "licensing", "0", by=office.office)
    html = login(client, office.office).get(reverse("reports_ws:report", args=[report.pk])).content.decode()
    notice = html[html.index('id="blank-figures"'):]
    notice = notice[: notice.index("</p>")]
    assert "行政处罚、行政强制、行政事业性收费" in notice and "行政许可" not in notice
