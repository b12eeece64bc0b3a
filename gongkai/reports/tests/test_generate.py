"""Reports built from fixture data whose every cell is known."""

import datetime as dt

import pytest

from gongkai.applications.models import Status
from gongkai.catalogue.models import ItemState, Validity
from gongkai.factories import OrganFactory
from gongkai.reports import services, structure
from gongkai.reports.models import ReportStatus
from gongkai.reports.tests.factories import appeal, application, item

pytestmark = pytest.mark.django_db
D = dt.date


def make_fixture(organ):
    item(organ, row="rule", date_formed=D(2025, 3, 1))  # issued, in force
    item(organ, row="rule", date_formed=D(2024, 5, 1), validity=Validity.REPEALED, changed_on=D(2025, 6, 1))  # repealed
    item(organ, row="normative", date_formed=D(2023, 1, 9))  # in force
    item(organ, row="normative", date_formed=D(2025, 2, 1), validity=Validity.EXPIRED, changed_on=D(2025, 11, 1))  # issued, repealed
    item(organ, row="normative", date_formed=D(2025, 12, 31), validity=Validity.REPEALED, changed_on=D(2026, 1, 5))  # issued, in force at year end
    item(organ, row="normative", date_formed=D(2025, 4, 1), state=ItemState.DRAFT)  # not published: not counted
    item(organ, row="rule", date_formed=D(2026, 1, 2))  # next year
    item(OrganFactory(), row="rule", date_formed=D(2025, 3, 1))  # another organ
    item(organ, date_formed=D(2025, 3, 1))  # 工作动态: not in table 二

    application(organ, received_on=D(2024, 12, 20), closed_on=D(2025, 1, 10), outcome="disclosed")
    application(organ, received_on=D(2025, 12, 28), closed_on=D(2026, 1, 5), outcome="partial", applicant_type="commercial")
    application(organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 20), outcome="withheld_third_party")
    application(organ, received_on=D(2025, 5, 1), applicant_type="legal_service")
    application(organ, received_on=D(2024, 11, 1), closed_on=D(2024, 12, 15), outcome="disclosed")
    application(organ, received_on=D(2025, 6, 1), closed_on=D(2025, 6, 10), outcome="not_processed_repeat", applicant_type="research")
    application(organ, received_on=D(2024, 12, 31), closed_on=D(2025, 12, 31), outcome="other_unpaid_fee", applicant_type="other_org")
    application(organ, received_on=D(2025, 7, 1), status=Status.MERGED)  # merged: not reportable

    appeal(organ, kind="reconsideration", result="upheld", filed_on=D(2025, 3, 1), decided_on=D(2025, 5, 1))
    appeal(organ, kind="reconsideration", result="corrected", filed_on=D(2025, 8, 1), decided_on=D(2025, 9, 1))
    appeal(organ, kind="litigation_direct", result="corrected", filed_on=D(2025, 10, 1), decided_on=D(2026, 2, 1))
    appeal(organ, kind="litigation_after", result="other", filed_on=D(2024, 10, 1), decided_on=D(2025, 2, 1))


EXPECTED_2025 = {
    "t2.rule.issued": 1, "t2.rule.repealed": 1, "t2.rule.in_force": 1,
    "t2.normative.issued": 2, "t2.normative.repealed": 1, "t2.normative.in_force": 2,
    "t2.licensing.decisions": None, "t2.penalty.decisions": None, "t2.enforcement.decisions": None, "t2.fees.amount": None,
    "t3.received.natural_person": 1, "t3.received.commercial": 1, "t3.received.legal_service": 1, "t3.received.research": 1,
    "t3.received.total": 4,
    "t3.carried_over.natural_person": 1, "t3.carried_over.other_org": 1, "t3.carried_over.total": 2,
    "t3.disclosed.natural_person": 1, "t3.disclosed.total": 1,
    "t3.withheld_third_party.natural_person": 1, "t3.withheld_third_party.total": 1,
    "t3.not_processed_repeat.research": 1, "t3.not_processed_repeat.total": 1,
    "t3.other_unpaid_fee.other_org": 1, "t3.other_unpaid_fee.total": 1,
    "t3.outcome_total.natural_person": 2, "t3.outcome_total.research": 1, "t3.outcome_total.other_org": 1, "t3.outcome_total.total": 4,
    "t3.carried_forward.commercial": 1, "t3.carried_forward.legal_service": 1, "t3.carried_forward.total": 2,
    "t4.reconsideration.upheld": 1, "t4.reconsideration.corrected": 1, "t4.reconsideration.total": 2,
    "t4.litigation_direct.pending": 1, "t4.litigation_direct.total": 1,
}


def expected_cells(explicit):
    """Every cell: the explicit ones, blank for figures entered by hand, 0 for the rest."""
    return {k: explicit.get(k, None if k in structure.MANUAL_KEYS.values() else 0) for k in structure.ALL_KEYS}


def test_every_cell_of_a_generated_report_is_known(office):
    make_fixture(office.organ)
    report = services.generate(office.organ, 2025, by=office.office)
    assert report.values() == expected_cells(EXPECTED_2025)


def test_a_case_received_in_december_and_closed_in_january_is_carried_forward_then_closed(office):
    application(office.organ, received_on=D(2025, 12, 28), closed_on=D(2026, 1, 5), outcome="partial", applicant_type="commercial")
    report_2025 = services.generate(office.organ, 2025, by=office.office)
    report_2026 = services.generate(office.organ, 2026, by=office.office)
    assert report_2025.value("t3.received.commercial") == 1
    assert report_2025.value("t3.carried_forward.commercial") == 1
    assert report_2025.value("t3.partial.commercial") == 0
    assert report_2026.value("t3.received.commercial") == 0
    assert report_2026.value("t3.carried_over.commercial") == 1
    assert report_2026.value("t3.partial.commercial") == 1
    assert report_2026.value("t3.carried_forward.commercial") == 0


def test_a_generated_report_from_consistent_records_passes_every_check(office):
    make_fixture(office.organ)
    services.generate(office.organ, 2024, by=office.office)
    report = services.generate(office.organ, 2025, by=office.office)
    assert report.failing == []
    assert report.status == ReportStatus.CHECKED
    assert {f["status"] for f in report.findings if f["rule"] == "R5"} == {"passed"}


def test_an_appeal_decided_after_the_year_counts_as_pending_in_that_year(office):
    appeal(office.organ, kind="litigation_direct", result="corrected", filed_on=D(2025, 10, 1), decided_on=D(2026, 2, 1))
    report = services.generate(office.organ, 2025, by=office.office)
    assert report.value("t4.litigation_direct.pending") == 1
    assert report.value("t4.litigation_direct.corrected") == 0


def test_figures_entered_by_hand_survive_regeneration_and_blank_stays_blank(office):
    report = services.generate(office.organ, 2025, by=office.office)
    services.set_manual_figure(report, "licensing", "0", by=office.office)
    services.set_manual_figure(report, "fees", "12.3456", by=office.office)
    report = services.generate(office.organ, 2025, by=office.office)
    assert report.value("t2.licensing.decisions") == 0
    assert str(report.value("t2.fees.amount")) == "12.3456"
    assert report.value("t2.penalty.decisions") is None


def test_the_draft_text_states_real_figures_only(office):
    make_fixture(office.organ)
    report = services.generate(office.organ, 2025, by=office.office)
    assert "全年新收政府信息公开申请4件，上年结转2件，办结4件，结转下年度继续办理2件" in report.overview
    assert "【请填写" in report.problems


def test_regenerating_keeps_the_organs_own_text(office):
    report = services.generate(office.organ, 2025, by=office.office)
    services.set_texts(report, by=office.office, overview="我们自己写的总体情况。", problems="问题。", other_matters="其他。")
    report = services.generate(office.organ, 2025, by=office.office)
    assert report.overview == "我们自己写的总体情况。"


def test_government_wide_report_adds_up_every_organ_below(db):
    from gongkai.factories import GovernmentFactory, member
    from gongkai.organs.models import Role

    government = GovernmentFactory()
    office = member(government, Role.DISCLOSURE_OFFICE)
    bureau = OrganFactory(parent=government)
    town = OrganFactory(parent=government)
    clerk = member(bureau, Role.DISCLOSURE_OFFICE)
    make_fixture(bureau)
    application(town, received_on=D(2025, 2, 1))
    report = services.generate(bureau, 2025, by=clerk)
    services.set_manual_figure(report, "penalty", "7", by=clerk)
    combined = services.build_government_report(government, 2025, by=office)
    assert combined.value("t3.received.total") == 5
    assert combined.value("t3.carried_forward.natural_person") == 1
    assert combined.value("t2.penalty.decisions") == 7
    assert combined.value("t2.licensing.decisions") is None
    assert combined.deadline == D(2026, 3, 31)
    assert {s["organ"] for s in combined.sources} == {government.pk, bureau.pk, town.pk}


def test_the_draft_states_the_consultations_sent_and_answered_in_the_year(office):
    from gongkai.applications.models import Consultation

    case = application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 4, 20), outcome="partial")
    for kind, sent_on, answered_on, answer in (
        ("third_party", D(2025, 3, 5), D(2025, 3, 20), "agrees"),
        ("third_party", D(2025, 12, 20), None, "pending"),  # sent this year, answered next year: not answered in 2025
        ("other_agency", D(2025, 3, 6), D(2025, 3, 10), "objects"),
        ("third_party", D(2024, 12, 1), D(2024, 12, 5), "agrees"),  # last year
    ):
        Consultation.objects.create(application=case, kind=kind, party="某公司", sent_on=sent_on, answer_due_on=sent_on + dt.timedelta(days=15),
                                    answered_on=answered_on, answer=answer, created_by=office.clerk)
    report = services.generate(office.organ, 2025, by=office.office)
    assert "征求第三方或其他机关意见3次（其中征求第三方意见2次），年内收到答复2次。" in report.overview


def test_the_draft_names_the_years_published_work_plans(office):
    item(office.organ, date_formed=D(2025, 2, 10), title="某市测试局2025年政务公开工作要点")
    item(office.organ, date_formed=D(2024, 2, 10), title="某市测试局2024年政务公开工作要点")  # published last year
    item(office.organ, date_formed=D(2025, 5, 1), title="关于开展安全检查的通知")
    report = services.generate(office.organ, 2025, by=office.office)
    assert "本年度公开工作要点类文件：《某市测试局2025年政务公开工作要点》。" in report.other_matters
    assert "2024年政务公开工作要点" not in report.other_matters
    assert "【请填写" in report.other_matters  # how the plan was carried out is the organ's to write
