"""The demo applications and annual reports are built through the real services."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongkai.applications.models import Appeal, Application, CaseLetter, ConsultationAnswer, FeeStatus, ReplyStatus, Status
from gongkai.applications.services import secret_matches
from gongkai.applications.taxonomy import AppealKind, Outcome
from gongkai.core.models import AuditEvent
from gongkai.reports.models import AnnualReport, ReportStatus

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    # The demo publishes a report (its DOCX and PDF are stored): keep them out of the checkout's var/.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
        from django.db import transaction

        with transaction.atomic():
            from gongkai.factories import reseed_if_flushed

            reseed_if_flushed()
            out = io.StringIO()
            call_command("load_demo", if_empty=True, items=0, stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def test_cases_are_in_every_interesting_state(demo):
    states = set(Application.objects.values_list("status", flat=True))
    assert {
        Status.AWAITING_CONFIRMATION, Status.RECEIVED, Status.IN_PROGRESS, Status.CORRECTION_REQUESTED, Status.CONSULTING,
        Status.AWAITING_FEE, Status.IN_SIGNOFF, Status.APPROVED, Status.CLOSED, Status.WITHDRAWN,
    } <= states
    assert Application.objects.count() >= 25


def test_cases_come_through_several_channels_and_applicant_types(demo):
    assert set(Application.objects.values_list("channel", flat=True)) >= {"web", "letter", "fax", "in_person", "api"}
    assert len(set(Application.objects.values_list("applicant_type", flat=True))) >= 5


def test_closed_cases_have_different_outcomes(demo):
    outcomes = set(Application.objects.filter(status=Status.CLOSED).values_list("outcome", flat=True))
    assert {Outcome.DISCLOSED, Outcome.PARTIAL, Outcome.WITHHELD_ENFORCEMENT, Outcome.UNAVAILABLE_NOT_HELD, Outcome.NOT_PROCESSED_REPEAT} <= outcomes


def test_replies_wait_at_each_step_of_the_signoff_chain(demo):
    waiting = Application.objects.filter(status=Status.IN_SIGNOFF).select_related()
    roles = {app.replies.get(status=ReplyStatus.IN_SIGNOFF).signoff.current_role for app in waiting}
    assert roles == {"department_head", "deputy_leader", "principal_leader"}


def test_one_case_is_overdue_and_one_falls_due_within_three_days(demo):
    today = timezone.localdate()
    running = Application.objects.running()
    assert running.filter(due_on__lt=today).count() == 1
    assert running.filter(due_on__gte=today, due_on__lte=today + timezone.timedelta(days=3)).exists()


def test_a_case_was_received_last_year_and_closed_this_year(demo):
    year = timezone.localdate().year
    assert Application.objects.filter(received_on__year=year - 1, closed_on__year=year).exists()


def test_correction_consultation_extension_fee_and_withdrawal_are_recorded(demo):
    assert Application.objects.filter(corrected_on__isnull=False, status=Status.IN_PROGRESS).exists()
    assert Application.objects.filter(consultations__answer=ConsultationAnswer.PENDING).exists()
    assert Application.objects.filter(extension_days__gt=0).exists()
    assert Application.objects.filter(fee__status=FeeStatus.NOTIFIED).exists()
    assert Application.objects.get(status=Status.WITHDRAWN).outcome == Outcome.OTHER


def test_an_appeal_is_recorded(demo):
    assert Appeal.objects.filter(kind=AppealKind.RECONSIDERATION).count() >= 1


def test_every_case_has_an_audit_trail(demo):
    ids = {str(pk) for pk in Application.objects.values_list("pk", flat=True)}
    audited = set(AuditEvent.objects.filter(action="applications.submitted").values_list("target_id", flat=True))
    assert ids <= {str(pk) for pk in audited}


def test_few_letters_are_rendered(demo):
    assert 0 < CaseLetter.objects.count() <= 15


def test_the_printed_demo_case_can_be_looked_up_with_its_secret(demo):
    match = re.search(r"受理编号 (\S+)，查询码 (\S+)", demo)
    application = Application.objects.get(tracking_number=match.group(1))
    assert secret_matches(application, match.group(2))
    assert application.status == Status.CLOSED


def test_last_years_reports_are_generated_with_checks_run(demo):
    year = timezone.localdate().year - 1
    reports = AnnualReport.objects.filter(year=year, organ__slug__in=["gxj", "sthjj"])
    assert reports.count() == 2
    for report in reports:
        assert report.checked_at is not None
        assert report.cells


def test_one_report_is_left_to_finish_and_one_is_published_with_its_downloads(demo):
    year = timezone.localdate().year - 1
    draft = AnnualReport.objects.get(year=year, organ__slug="gxj")
    published = AnnualReport.objects.get(year=year, organ__slug="sthjj")
    assert draft.status in (ReportStatus.DRAFT, ReportStatus.CHECKED) and "【请填写" in draft.overview
    assert published.status == ReportStatus.PUBLISHED
    assert published.docx_file.name.endswith(".docx") and published.pdf_file.name.endswith(".pdf")
    assert published.value("t2.licensing.decisions") == 128
    assert {"reports.submitted", "reports.signed_off", "reports.published"} <= set(
        AuditEvent.objects.filter(target_id=str(published.pk), action__startswith="reports.").values_list("action", flat=True)
    )


def test_loading_again_if_empty_adds_nothing(demo):
    before = (Application.objects.count(), AnnualReport.objects.count(), Appeal.objects.count())
    call_command("load_demo", if_empty=True, stdout=io.StringIO())
    assert (Application.objects.count(), AnnualReport.objects.count(), Appeal.objects.count()) == before
