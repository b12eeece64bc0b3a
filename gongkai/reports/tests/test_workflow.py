"""Sign-off, override, publication, supervision, reminders and late flags."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role
from gongkai.reports import services
from gongkai.reports.models import AnnualReport, ReportStatus
from gongkai.reports.tests.factories import Office, application
from gongkai.signoff.models import Decision

pytestmark = pytest.mark.django_db
D = dt.date


TEXTS = dict(overview="本年度主动公开政府信息情况如表。", problems="政策解读形式单一，下一步将增加图解。", other_matters="无其他需要报告的事项。")


def written(report, office):
    """The organ replaces the draft's prompts with its own text."""
    return services.set_texts(report, by=office.office, **TEXTS)


def sign_off(report, office):
    for person in (office.office, office.deputy, office.principal):
        report = services.decide(report, by=person, decision=Decision.APPROVE)
    return report


def test_a_passing_report_is_signed_off_and_published_with_docx_and_pdf(office):
    report = written(services.generate(office.organ, 2025, by=office.office), office)
    report = services.submit(report, by=office.office)
    assert report.status == ReportStatus.SUBMITTED
    report = sign_off(report, office)
    assert report.status == ReportStatus.APPROVED
    report = services.publish(report, by=office.webadmin)
    assert report.status == ReportStatus.PUBLISHED
    assert report.docx_file.read()[:2] == b"PK"
    assert report.pdf_file.read()[:4] == b"%PDF"
    assert {"reports.published", "reports.signed_off"} <= {e.action for e in trail_for(report)}


def test_a_report_with_failing_checks_cannot_be_submitted(office):
    application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 5), outcome="")
    report = written(services.generate(office.organ, 2025, by=office.office), office)
    with pytest.raises(DomainError):
        services.submit(report, by=office.office)
    assert services.pending_signoff(report) is None


def test_a_named_leader_can_override_failing_checks_with_a_written_reason(office):
    application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 5), outcome="")
    report = services.generate(office.organ, 2025, by=office.office)
    report = services.override_checks(written(report, office), by=office.principal, reason="该申请已移交信访部门处理，结果类型待确认。")
    event = trail_for(report).first()
    assert event.action == "reports.checks_overridden"
    assert event.actor == office.principal and "信访" in event.reason
    report = sign_off(services.submit(report, by=office.office), office)
    assert services.publish(report, by=office.webadmin).status == ReportStatus.PUBLISHED


def test_an_override_needs_a_reason(office):
    application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 5), outcome="")
    report = services.generate(office.organ, 2025, by=office.office)
    with pytest.raises(DomainError):
        services.override_checks(report, by=office.principal, reason="  ")


def test_a_clerk_cannot_override_failing_checks(office):
    application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 5), outcome="")
    report = services.generate(office.organ, 2025, by=office.office)
    with pytest.raises(NotAllowed):
        services.override_checks(report, by=office.clerk, reason="我认为没有问题，直接发布吧。")


def test_an_override_no_longer_counts_once_the_report_changes(office):
    application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 5), outcome="")
    report = written(services.generate(office.organ, 2025, by=office.office), office)
    report = services.override_checks(report, by=office.principal, reason="该申请已移交信访部门处理，结果类型待确认。")
    report = services.set_manual_figure(report, "penalty", "3", by=office.office)
    assert not report.override_valid
    with pytest.raises(DomainError):
        services.submit(report, by=office.office)
    assert services.pending_signoff(report) is None


def test_a_report_cannot_change_while_in_sign_off(office):
    report = services.submit(written(services.generate(office.organ, 2025, by=office.office), office), by=office.office)
    with pytest.raises(InvalidTransition):
        services.set_manual_figure(report, "penalty", "3", by=office.office)


def test_a_report_returned_in_sign_off_can_be_edited_and_submitted_again(office):
    report = services.submit(written(services.generate(office.organ, 2025, by=office.office), office), by=office.office)
    report = services.decide(report, by=office.office, decision=Decision.RETURN, comment="第五部分写得太简单。")
    assert report.status == ReportStatus.RETURNED and report.return_comment == "第五部分写得太简单。"
    report = services.set_texts(report, by=office.office, overview="总体。", problems="详细的问题和改进措施。", other_matters="无。")
    assert services.submit(report, by=office.office).status == ReportStatus.SUBMITTED


def test_publishing_needs_the_disclosure_office_or_web_administrator(office):
    report = sign_off(services.submit(written(services.generate(office.organ, 2025, by=office.office), office), by=office.office), office)
    with pytest.raises(NotAllowed):
        services.publish(report, by=office.clerk)


def test_someone_without_a_role_cannot_generate(office):
    with pytest.raises(NotAllowed):
        services.generate(office.organ, 2025, by=Office().office)


def test_bad_figures_are_refused_and_nothing_is_saved(office):
    report = services.generate(office.organ, 2025, by=office.office)
    for code, raw in (("licensing", "-1"), ("licensing", "1.5"), ("fees", "1.23456"), ("fees", "-0.1"), ("penalty", "abc"), ("fees", "NaN")):
        with pytest.raises(DomainError) as error:
            services.set_manual_figure(report, code, raw, by=office.office)
        assert error.value.field == code
    report.refresh_from_db()
    assert report.manual_figures.count() == 0
    assert report.value("t2.fees.amount") is None


def test_a_fee_amount_with_four_decimals_is_kept_exactly(office):
    report = services.generate(office.organ, 2025, by=office.office)
    report = services.set_manual_figure(report, "fees", "0.0125", by=office.office)
    assert report.value("t2.fees.amount") == Decimal("0.0125")
    assert report.manual_figures.get(code="fees").entered_by == office.office


def test_figures_read_from_a_spreadsheet_record_the_file(office):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (("项目", "数量"), ("行政许可", 120), ("行政处罚", 8), ("行政强制", 0), ("行政事业性收费（万元）", 1.5)):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.generate(office.organ, 2025, by=office.office)
    report = services.import_manual_figures(report, SimpleUploadedFile("执法统计2025.xlsx", buffer.getvalue()), by=office.office)
    assert report.value("t2.licensing.decisions") == 120
    assert report.value("t2.enforcement.decisions") == 0
    assert report.value("t2.fees.amount") == Decimal("1.5")
    figure = report.manual_figures.get(code="penalty")
    assert figure.source == "spreadsheet" and figure.source_file == "执法统计2025.xlsx"


def test_a_spreadsheet_with_a_bad_figure_saves_nothing(office):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = openpyxl.Workbook()
    workbook.active.append(("行政许可", 5))
    workbook.active.append(("行政处罚", -2))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.generate(office.organ, 2025, by=office.office)
    with pytest.raises(DomainError):
        services.import_manual_figures(report, SimpleUploadedFile("bad.xlsx", buffer.getvalue()), by=office.office)
    assert report.manual_figures.count() == 0


def supervised():
    government = GovernmentFactory()
    supervisor = member(government, Role.DISCLOSURE_OFFICE)
    bureau = Office(OrganFactory(parent=government))
    return government, supervisor, bureau


def test_the_supervising_office_returns_a_submitted_report_with_comments():
    _government, supervisor, bureau = supervised()
    report = services.submit(written(services.generate(bureau.organ, 2025, by=bureau.office), bureau), by=bureau.office)
    report = services.supervisor_return(report, by=supervisor, comment="表三的数据与台账不一致，请核实。")
    assert report.status == ReportStatus.RETURNED
    assert services.pending_signoff(report) is None
    assert trail_for(report).first().reason == "表三的数据与台账不一致，请核实。"


def test_an_organ_cannot_return_its_own_report():
    _government, _supervisor, bureau = supervised()
    report = services.generate(bureau.organ, 2025, by=bureau.office)
    with pytest.raises(NotAllowed):
        services.supervisor_return(report, by=bureau.office, comment="自己退回。")


def test_a_report_published_after_31_january_is_late_and_flagged_once(office, monkeypatch):
    report = sign_off(services.submit(written(services.generate(office.organ, 2025, by=office.office), office), by=office.office), office)
    late = timezone.make_aware(dt.datetime(2026, 2, 3, 10))
    monkeypatch.setattr(timezone, "now", lambda: late)
    report = services.publish(report, by=office.webadmin)
    assert report.is_late
    assert AnnualReport.objects.get(pk=report.pk).late_flagged_at is not None
    assert [e.action for e in trail_for(report)].count("reports.late_flagged") == 1


def test_reminders_start_on_1_january_and_are_sent_once_a_day(office):
    counts = services.send_reminders(D(2026, 1, 2))
    again = services.send_reminders(D(2026, 1, 2))
    assert counts["reminded"] >= 1
    assert again["reminded"] == 0
    report = services.official_report(office.organ, 2025)
    assert report.status == ReportStatus.NOT_STARTED and report.reminded_on == D(2026, 1, 2)


def test_after_the_deadline_unpublished_reports_are_flagged_to_the_supervising_office_once():
    _government, _supervisor, bureau = supervised()
    first = services.send_reminders(D(2026, 2, 2))
    second = services.send_reminders(D(2026, 2, 3))
    assert first["flagged"] >= 1 and second["flagged"] == 0
    assert services.official_report(bureau.organ, 2025).late_flagged_at is not None


def test_the_supervising_office_is_notified_of_a_late_report():
    from gongkai.notify.models import Notification

    _government, supervisor, _bureau = supervised()
    services.send_reminders(D(2026, 2, 2))
    assert Notification.objects.filter(recipient=supervisor).exists()


def test_a_report_whose_text_still_has_the_drafts_prompts_cannot_be_submitted(office):
    report = services.generate(office.organ, 2025, by=office.office)
    with pytest.raises(DomainError) as error:
        services.submit(report, by=office.office)
    assert error.value.field == "overview"


def test_an_imported_report_cannot_be_changed_or_submitted(office):
    values = {"t3.received.total": 1}
    imported = AnnualReport.objects.create(organ=office.organ, year=2024, origin="imported", cells=values)
    with pytest.raises(InvalidTransition):
        services.set_manual_figure(imported, "penalty", "1", by=office.office)
    with pytest.raises(InvalidTransition):
        services.submit(imported, by=office.office)


def test_after_the_deadline_the_organ_is_still_reminded_once_a_week_until_it_publishes(office):
    services.send_reminders(D(2026, 2, 2))
    report = services.official_report(office.organ, 2025)
    assert report.reminded_on == D(2026, 2, 2)
    services.send_reminders(D(2026, 2, 5))
    report.refresh_from_db()
    assert report.reminded_on == D(2026, 2, 2)  # not every day once overdue
    services.send_reminders(D(2026, 2, 9))
    report.refresh_from_db()
    assert report.reminded_on == D(2026, 2, 9)


def test_the_overdue_reminder_says_it_is_overdue(office):
    from gongkai.notify.models import Notification

    services.send_reminders(D(2026, 2, 2))
    subjects = [n.subject for n in Notification.objects.filter(recipient=office.office)]
    assert any("逾期" in s and "2026-01-31" in s for s in subjects), subjects


def test_a_government_is_reminded_of_its_government_wide_report_until_31_march():
    from gongkai.reports.models import ReportScope

    government, supervisor, _bureau = supervised()
    services.send_reminders(D(2026, 2, 10))
    report = services.official_report(government, 2025, ReportScope.GOVERNMENT)
    assert report.deadline == D(2026, 3, 31)
    assert report.reminded_on == D(2026, 2, 10) and report.late_flagged_at is None
    services.send_reminders(D(2026, 4, 1))
    report.refresh_from_db()
    assert report.late_flagged_at is not None


def test_the_reminders_run_every_morning_on_celery_beat():
    from gongkai.celery import app
    from gongkai.reports.tasks import send_annual_report_reminders

    entry = app.conf.beat_schedule["reports-annual-report-reminders"]
    assert entry["task"] == send_annual_report_reminders.name == "gongkai.reports.tasks.send_annual_report_reminders"
    assert set(send_annual_report_reminders.apply().get()) == {"reminded", "flagged"}


def test_a_submitted_report_is_taken_back_from_sign_off_and_can_be_changed_again(office):
    report = services.submit(written(services.generate(office.organ, 2025, by=office.office), office), by=office.office)
    signoff = services.pending_signoff(report)
    report = services.withdraw(report, by=office.clerk, reason="第五部分还要补充。")
    assert report.status == ReportStatus.CHECKED
    assert services.pending_signoff(report) is None
    signoff.refresh_from_db()
    assert signoff.status == "withdrawn"
    assert trail_for(report).first().action == "reports.withdrawn"
    report = services.set_texts(report, by=office.office, **TEXTS)
    assert services.submit(report, by=office.office).status == ReportStatus.SUBMITTED


def test_a_leader_cannot_take_a_report_back_from_sign_off(office):
    report = services.submit(written(services.generate(office.organ, 2025, by=office.office), office), by=office.office)
    with pytest.raises(NotAllowed):
        services.withdraw(report, by=office.principal)
