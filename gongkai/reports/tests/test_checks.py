"""R1–R5 failing on purpose, naming the right cells; blank versus 0."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from gongkai.reports import checks, services, structure
from gongkai.reports.checks import check_values
from gongkai.reports.structure import t3_key, t4_key
from gongkai.reports.tests.factories import appeal, application

D = dt.date


def consistent_values():
    """A small, arithmetically sound report: 5 received + 2 carried over = 6 closed + 1 carried forward (自然人)."""
    values = {k: 0 for k in structure.ALL_KEYS}
    for column in ("natural_person", "total"):
        values[t3_key("received", column)] = 5
        values[t3_key("carried_over", column)] = 2
        values[t3_key("disclosed", column)] = 4
        values[t3_key("withheld_third_party", column)] = 2
        values[t3_key("outcome_total", column)] = 6
        values[t3_key("carried_forward", column)] = 1
    values[t4_key("reconsideration", "upheld")] = 1
    values[t4_key("reconsideration", "total")] = 1
    return values


def matching_last_year():
    values = consistent_values()
    values[t3_key("carried_forward", "natural_person")] = 2
    values[t3_key("carried_forward", "total")] = 2
    return values


def failing(findings):
    return [(f.rule, f.where) for f in findings if f.status == checks.FAILED]


def test_consistent_values_pass_every_check():
    assert failing(check_values(consistent_values(), matching_last_year())) == []


def test_r1_fails_in_the_column_where_received_plus_carried_over_differs_from_closed_plus_carried_forward():
    values = consistent_values()
    values[t3_key("received", "commercial")] = 1
    values[t3_key("received", "total")] = 6
    findings = check_values(values)
    r1 = [f for f in findings if f.rule == "R1" and f.status == checks.FAILED]
    assert [f.where for f in r1] == ["commercial", "total"]
    assert r1[0].left == [t3_key("received", "commercial"), t3_key("carried_over", "commercial")]
    assert r1[0].right == [t3_key("outcome_total", "commercial"), t3_key("carried_forward", "commercial")]
    assert (r1[0].left_sum, r1[0].right_sum) == (1, 0)


def test_r2_fails_when_the_outcome_total_is_not_the_sum_of_the_leaves():
    values = consistent_values()
    values[t3_key("withheld_third_party", "natural_person")] = 1
    values[t3_key("withheld_third_party", "total")] = 1
    findings = check_values(values)
    assert ("R2", "natural_person") in failing(findings)
    r2 = next(f for f in findings if f.rule == "R2" and f.where == "natural_person")
    assert t3_key("withheld_third_party", "natural_person") in r2.right
    assert (r2.left_sum, r2.right_sum) == (6, 5)


def test_r3_fails_in_the_row_whose_total_is_not_the_sum_of_the_six_columns():
    values = consistent_values()
    values[t3_key("disclosed", "total")] = 5
    findings = check_values(values)
    assert failing(findings) == [("R2", "total"), ("R3", "disclosed")]
    r3 = next(f for f in findings if f.rule == "R3" and f.status == checks.FAILED)
    assert r3.left == [t3_key("disclosed", "total")]
    assert r3.right == [t3_key("disclosed", c) for c in structure.APPLICANT_COLUMNS]
    assert (r3.left_sum, r3.right_sum) == (5, 4)


def test_r4_fails_when_a_table_four_total_is_not_the_sum_of_its_results():
    values = consistent_values()
    values[t4_key("litigation_after", "total")] = 2
    values[t4_key("litigation_after", "pending")] = 1
    findings = check_values(values)
    assert failing(findings) == [("R4", "litigation_after")]
    r4 = next(f for f in findings if f.rule == "R4" and f.status == checks.FAILED)
    assert r4.left == [t4_key("litigation_after", "total")]


def test_r5_fails_when_carried_over_differs_from_last_years_carried_forward():
    last_year = consistent_values()
    last_year[t3_key("carried_forward", "natural_person")] = 3
    last_year[t3_key("carried_forward", "total")] = 3
    findings = check_values(consistent_values(), last_year, last_year_report=42)
    r5 = [f for f in findings if f.rule == "R5" and f.status == checks.FAILED]
    assert [f.where for f in r5] == ["natural_person", "total"]
    assert r5[0].other_report == 42
    assert (r5[0].left_sum, r5[0].right_sum) == (2, 3)


def test_r5_is_skipped_not_failed_without_last_years_report():
    findings = check_values(consistent_values(), None)
    assert {f.status for f in findings if f.rule == "R5"} == {checks.SKIPPED}


def test_an_all_blank_column_is_blank_not_passed_as_zeros():
    values = consistent_values()
    for row in structure.T3_ROWS:
        values[t3_key(row, "research")] = None
    findings = check_values(values)
    r1 = next(f for f in findings if f.rule == "R1" and f.where == "research")
    assert r1.status == checks.BLANK
    assert r1.left_sum is None


def test_blank_mixed_with_figures_is_a_warning_naming_the_blank_cells():
    values = consistent_values()
    values[t3_key("carried_over", "commercial")] = None
    findings = check_values(values)
    r1 = next(f for f in findings if f.rule == "R1" and f.where == "commercial")
    assert r1.status == checks.WARNING
    assert r1.blank_cells == [t3_key("carried_over", "commercial")]
    assert r1.passed


def test_blank_is_not_zero_for_r5():
    last_year = matching_last_year()
    last_year[t3_key("carried_forward", "commercial")] = None
    findings = check_values(consistent_values(), last_year)
    r5 = next(f for f in findings if f.rule == "R5" and f.where == "commercial")
    assert r5.status == checks.WARNING


@pytest.mark.django_db
def test_a_closed_case_without_outcome_fails_r2_and_is_named(office):
    case = application(office.organ, received_on=D(2025, 3, 1), closed_on=D(2025, 3, 5), outcome="")
    report = services.generate(office.organ, 2025, by=office.office)
    finding = next(f for f in report.failing if f["rule"] == "R2" and f["where"] == "natural_person")
    kind, suspects = checks.suspect_records(report, finding)
    assert kind == "application" and list(suspects) == [case]


@pytest.mark.django_db
def test_a_case_closed_before_it_was_received_fails_r1_and_is_named(office):
    case = application(office.organ, received_on=D(2025, 3, 10), closed_on=D(2024, 12, 30), outcome="disclosed")
    report = services.generate(office.organ, 2025, by=office.office)
    finding = next(f for f in report.failing if f["rule"] == "R1" and f["where"] == "natural_person")
    assert list(checks.suspect_records(report, finding)[1]) == [case]


@pytest.mark.django_db
def test_a_case_without_a_known_applicant_type_fails_r3_in_its_row(office):
    case = application(office.organ, received_on=D(2025, 3, 1), applicant_type="")
    report = services.generate(office.organ, 2025, by=office.office)
    rows = {f["where"] for f in report.failing if f["rule"] == "R3"}
    assert rows == {"received", "carried_forward"}
    finding = next(f for f in report.failing if f["rule"] == "R3" and f["where"] == "received")
    assert list(checks.suspect_records(report, finding)[1]) == [case]


@pytest.mark.django_db
def test_an_appeal_decided_without_a_result_fails_r4(office):
    appeal(office.organ, result="", filed_on=D(2025, 3, 1), decided_on=D(2025, 4, 1))
    report = services.generate(office.organ, 2025, by=office.office)
    assert [(f["rule"], f["where"]) for f in report.failing] == [("R4", "reconsideration")]


@pytest.mark.django_db
def test_r5_runs_against_last_years_imported_report(office):
    from gongkai.reports.models import AnnualReport, ReportOrigin

    last = {k: None for k in structure.ALL_KEYS}
    last[t3_key("carried_forward", "natural_person")] = 4
    last[t3_key("carried_forward", "total")] = 4
    AnnualReport.objects.create(organ=office.organ, year=2024, origin=ReportOrigin.IMPORTED, cells=last)
    application(office.organ, received_on=D(2024, 12, 1))
    report = services.generate(office.organ, 2025, by=office.office)
    assert {(f["rule"], f["where"]) for f in report.failing} == {("R5", "natural_person"), ("R5", "total")}


def test_describe_names_the_rule_the_place_and_the_figures():
    values = consistent_values()
    values[t4_key("litigation_after", "total")] = 2
    finding = next(f for f in check_values(values) if f.status == checks.FAILED).as_dict()
    text = checks.describe(finding)
    assert "R4" in text and "复议后起诉" in text and "2" in text


cases = st.lists(
    st.tuples(
        st.sampled_from(structure.APPLICANT_COLUMNS),
        st.dates(D(2023, 6, 1), D(2026, 6, 1)),
        st.one_of(st.none(), st.integers(0, 400)),
        st.sampled_from(structure.OUTCOME_LEAVES),
    ),
    max_size=12,
)


@pytest.mark.django_db
@hsettings(max_examples=25, deadline=None)
@given(cases=cases)
def test_reports_generated_from_sound_records_always_pass_r1_to_r4(cases):
    from gongkai.reports.tests.factories import Office

    office = Office()
    for applicant_type, received_on, days, outcome in cases:
        closed_on = None if days is None else received_on + dt.timedelta(days=days)
        application(office.organ, received_on=received_on, closed_on=closed_on, outcome=outcome if closed_on else "",
                    applicant_type=applicant_type)
    previous = services.generate(office.organ, 2024, by=office.office)
    report = services.generate(office.organ, 2025, by=office.office)
    assert previous.failing == []
    assert report.failing == []
