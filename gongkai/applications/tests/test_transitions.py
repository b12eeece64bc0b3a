"""Every state move of an application, and the refusals: wrong role, wrong
organ, wrong state, deadline passed. Each move writes an audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.applications import clock, services
from gongkai.applications.models import (
    Application,
    ConsultationAnswer,
    FeeStatus,
    ReplyStatus,
    Status,
)
from gongkai.applications.taxonomy import AppealKind, AppealResult, Outcome
from gongkai.applications.tests.factories import person_data, received
from gongkai.applications.workflow import MOVES
from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.factories import DepartmentFactory, member
from gongkai.organs.models import Role
from gongkai.signoff.models import Decision

pytestmark = pytest.mark.django_db


def actions(application):
    return [e.action for e in trail_for(application)]


@pytest.fixture
def running(organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    return services.claim(application, by=clerk)


def test_web_application_waits_for_confirmation(organ):
    result = services.submit_application(organ=organ, channel="web", data=person_data())
    assert (result.application.status, result.application.received_on, result.application.due_on) == (
        Status.AWAITING_CONFIRMATION, None, None)


def test_confirming_receipt_sets_the_date_of_receipt_and_deadline(organ, clerk, today):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    application = services.confirm_receipt(application, by=clerk)
    assert (application.status, application.received_on, application.due_on is not None) == (Status.RECEIVED, today, True)
    assert "applications.receipt_confirmed" in actions(application)


def test_confirming_receipt_needs_a_role_in_the_organ(organ, outsider):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    with pytest.raises(NotAllowed):
        services.confirm_receipt(application, by=outsider)
    application.refresh_from_db()
    assert application.status == Status.AWAITING_CONFIRMATION


def test_confirming_twice_is_refused(organ, clerk):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    services.confirm_receipt(application, by=clerk)
    with pytest.raises(InvalidTransition):
        services.confirm_receipt(application, by=clerk)


def test_letter_registration_needs_the_day_it_was_signed_for(organ, clerk):
    with pytest.raises(DomainError) as error:
        services.register_application(organ=organ, channel="letter", data=person_data(), received_on=None, by=clerk)
    assert error.value.field == "received_on"
    assert not Application.objects.exists()


def test_registration_by_a_leader_is_refused(organ):
    leader = member(organ, Role.PRINCIPAL_LEADER)
    with pytest.raises(NotAllowed):
        services.register_application(organ=organ, channel="letter", data=person_data(), received_on=dt.date(2026, 11, 2), by=leader)


def test_fax_registration_waits_for_confirmation(organ, clerk):
    result = services.register_application(organ=organ, channel="fax", data=person_data(), received_on=None, by=clerk)
    assert result.application.status == Status.AWAITING_CONFIRMATION


def test_marking_spam_removes_it_from_the_report(organ, office):
    application = services.submit_application(organ=organ, channel="web", data=person_data()).application
    services.mark_spam(application, by=office, reason="广告")
    assert not Application.objects.reportable().filter(pk=application.pk).exists()


def test_claim_makes_the_user_the_handler(running, clerk):
    assert (running.status, running.assignee) == (Status.IN_PROGRESS, clerk)


def test_claim_of_someone_elses_case_is_refused(running, organ):
    other = member(organ, Role.CLERK)
    with pytest.raises(InvalidTransition):
        services.claim(running, by=other)


def test_routing_needs_office_or_department_head(running, clerk, department):
    with pytest.raises(NotAllowed):
        services.route(running, department=department, by=clerk)


def test_routing_to_another_organs_department_is_refused(running, office):
    with pytest.raises(DomainError):
        services.route(running, department=DepartmentFactory(), by=office)


def test_routing_and_reassigning(running, office, department, organ):
    other = member(organ, Role.CLERK, department=department)
    services.route(running, department=department, by=office)
    application = services.assign(running, to=other, by=office)
    assert (application.department, application.assignee) == (department, other)
    assert {"applications.routed", "applications.assigned"} <= set(actions(application))


def test_assigning_to_someone_without_a_handling_role_is_refused(running, office, organ):
    leader = member(organ, Role.PRINCIPAL_LEADER)
    with pytest.raises(DomainError):
        services.assign(running, to=leader, by=office)


def test_internal_note_is_kept(running, clerk):
    services.add_note(running, text="已电话联系申请人", by=clerk)
    assert running.notes.get().text == "已电话联系申请人"


def test_correction_restarts_the_clock_from_the_corrected_application(running, clerk, today):
    services.request_correction(running, by=clerk, text="请明确所需信息的年份")
    application = services.submit_correction(running, text="2025年")
    assert (application.status, application.clock_start, application.corrected_on) == (Status.IN_PROGRESS, today, today)
    assert application.due_on == clock.current().add_working_days(today, 20).due
    assert application.due_explanation["restarted_after_correction"] is True


def test_correction_notice_is_generated_and_kept(running, clerk):
    services.request_correction(running, by=clerk, text="请明确所需信息的年份")
    letter = running.letters.get(kind="correction")
    assert letter.docx.read()[:2] == b"PK" and "补正" in letter.text


def test_correction_can_be_requested_only_once(running, clerk):
    services.request_correction(running, by=clerk, text="请明确")
    services.submit_correction(running, text="已明确")
    with pytest.raises(InvalidTransition):
        services.request_correction(running, by=clerk, text="再补正")


def test_correction_request_after_seven_working_days_is_refused(organ, clerk):
    application = services.claim(received(organ, on=dt.date(2026, 10, 9), by=clerk), by=clerk)
    with pytest.raises(InvalidTransition) as error:
        services.request_correction(application, by=clerk, text="请明确")
    assert "7" in str(error.value.message)


def test_correction_after_its_deadline_is_refused(running, clerk):
    services.request_correction(running, by=clerk, text="请明确", respond_within_days=1)
    running.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services.submit_correction(running, text="晚了", on=running.correction_deadline + dt.timedelta(days=1))
    running.refresh_from_db()
    assert (running.status, running.corrected_on) == (Status.CORRECTION_REQUESTED, None)


def test_no_correction_in_time_closes_as_given_up(running, clerk):
    services.request_correction(running, by=clerk, text="请明确", respond_within_days=1)
    running.refresh_from_db()
    application = services.close_uncorrected(running, today=running.correction_deadline + dt.timedelta(days=1))
    assert (application.status, application.outcome) == (Status.CLOSED, Outcome.OTHER_NO_CORRECTION)


def test_closing_for_no_correction_keeps_the_notice_and_tells_the_applicant(running, clerk):
    from gongkai.notify.models import Notification

    services.request_correction(running, by=clerk, text="请明确", respond_within_days=1)
    running.refresh_from_db()
    services.close_uncorrected(running, today=running.correction_deadline + dt.timedelta(days=1))
    letter = running.letters.get(kind="reply")
    assert (letter.letter_kind, letter.for_applicant, "第三十条" in letter.text) == ("reply.other_no_correction", True, True)
    assert "zhangsan@example.com" in [n.address for n in Notification.objects.filter(event="applicant.closed")]


def test_closing_uncorrected_before_the_deadline_is_refused(running, clerk):
    services.request_correction(running, by=clerk, text="请明确")
    with pytest.raises(InvalidTransition):
        services.close_uncorrected(running)


def test_consultation_time_does_not_count(running, clerk):
    before = running.due_on
    consultation = services.start_consultation(running, kind="third_party", party="某公司", by=clerk)
    running.refresh_from_db()
    assert running.status == Status.CONSULTING and running.due_on > before
    assert consultation.answer_due_on == clock.consultation_due(consultation.sent_on).due
    assert running.letters.filter(kind="third_party", for_applicant=False).exists()


def test_consultation_answer_returns_to_handling(running, clerk):
    consultation = services.start_consultation(running, kind="other_agency", party="某局", by=clerk)
    services.answer_consultation(consultation, answer=ConsultationAnswer.AGREES, by=clerk)
    running.refresh_from_db()
    assert running.status == Status.IN_PROGRESS


def test_silence_before_fifteen_working_days_is_refused(running, clerk):
    consultation = services.start_consultation(running, kind="third_party", party="某公司", by=clerk)
    with pytest.raises(InvalidTransition):
        services.answer_consultation(consultation, answer=ConsultationAnswer.SILENT, by=clerk)


def test_silence_after_fifteen_working_days_lets_the_organ_decide(organ, clerk, today):
    application = services.claim(received(organ, on=today - dt.timedelta(days=40), by=clerk), by=clerk)
    consultation = services.start_consultation(application, kind="third_party", party="某公司", by=clerk, sent_on=application.received_on)
    services.answer_consultation(consultation, answer=ConsultationAnswer.SILENT, by=clerk)
    consultation.refresh_from_db()
    assert consultation.answered_on == consultation.answer_due_on


def test_extension_needs_the_disclosure_office(running, clerk):
    with pytest.raises(NotAllowed):
        services.extend(running, days=10, reason="需要调取档案", by=clerk)


def test_extension_adds_working_days_and_sends_a_notice(running, office):
    before = running.due_on
    application = services.extend(running, days=20, reason="需要调取档案", by=office)
    assert clock.current().working_days_between(before, application.due_on) == 20
    assert application.letters.filter(kind="extension").exists()


def test_extension_beyond_twenty_days_is_refused(running, office):
    with pytest.raises(DomainError) as error:
        services.extend(running, days=21, reason="需要", by=office)
    assert error.value.field == "days"


def test_second_extension_is_refused(running, office):
    services.extend(running, days=5, reason="需要", by=office)
    with pytest.raises(InvalidTransition):
        services.extend(running, days=5, reason="还要", by=office)


def test_extension_after_the_deadline_is_refused(organ, clerk, office):
    application = services.claim(received(organ, on=dt.date(2026, 9, 1), by=clerk), by=clerk)
    with pytest.raises(InvalidTransition):
        services.extend(application, days=5, reason="需要", by=office)


def test_per_page_fee_is_charged_and_paid(running, clerk):
    fee = services.charge_fee(running, scheme="per_page", pages=101, by=clerk)
    assert (fee.amount, running.letters.filter(kind="fee").exists()) == (700 + 20, True)
    services.record_payment(running, by=clerk, reference="POS-1")
    fee.refresh_from_db()
    running.refresh_from_db()
    assert (fee.status, running.status) == (FeeStatus.PAID, Status.IN_PROGRESS)


def test_a_fee_paid_the_day_it_was_charged_leaves_the_deadline_alone(running, clerk):
    before = running.due_on
    services.charge_fee(running, scheme="per_page", pages=40, by=clerk)
    services.record_payment(running, by=clerk)
    running.refresh_from_db()
    assert (running.due_on, running.due_explanation["reply"]["excluded"]) == (before, [])


def test_an_unpaid_fee_notice_excludes_the_working_days_after_it_was_sent(running, clerk):
    from gongkai.workdays.calendar import current

    before = running.due_on
    fee = services.charge_fee(running, scheme="per_page", pages=40, by=clerk)
    running.refresh_from_db()
    [excluded] = running.due_explanation["reply"]["excluded"]
    assert (excluded["start"], excluded["end"]) == ((fee.notified_on + dt.timedelta(days=1)).isoformat(), fee.pay_by.isoformat())
    assert excluded["working_days"] == 20  # the 20 working days the applicant has to pay
    assert current().working_days_between(before, running.due_on) == 20


def test_a_consultation_dated_before_receipt_is_refused(running, clerk):
    with pytest.raises(DomainError) as error:
        services.start_consultation(running, kind="third_party", party="某公司", by=clerk,
                                    sent_on=running.received_on - dt.timedelta(days=1))
    assert error.value.field == "sent_on" and not running.consultations.exists()


def test_free_volume_is_not_charged(running, clerk):
    with pytest.raises(DomainError):
        services.charge_fee(running, scheme="per_page", pages=30, by=clerk)
    assert not hasattr(Application.objects.get(pk=running.pk), "fee_set")


def test_second_fee_scheme_is_refused(running, clerk):
    services.charge_fee(running, scheme="per_page", pages=50, by=clerk)
    services.record_payment(running, by=clerk)
    with pytest.raises(InvalidTransition):
        services.charge_fee(running, scheme="per_page", pages=60, by=clerk)


def test_eleventh_application_of_the_month_costs_one_hundred(organ, clerk, recent_workday):
    for _ in range(10):
        received(organ, on=recent_workday, by=clerk, subject=f"不同的信息{_}号文件")
    eleventh = services.claim(received(organ, on=recent_workday, by=clerk, subject="第十一件"), by=clerk)
    fee = services.charge_fee(eleventh, scheme="per_application", by=clerk)
    assert (fee.quantity, fee.amount) == (11, 100)


def test_unpaid_fee_closes_the_case(running, clerk):
    fee = services.charge_fee(running, scheme="per_page", pages=40, by=clerk)
    application = services.close_unpaid(running, today=fee.pay_by + dt.timedelta(days=1))
    assert (application.status, application.outcome, application.closed_on) == (
        Status.CLOSED, Outcome.OTHER_UNPAID_FEE, fee.pay_by + dt.timedelta(days=1))
    assert running.letters.get(kind="reply").letter_kind == "reply.other_unpaid_fee"


def test_payment_after_the_deadline_is_refused(running, clerk):
    fee = services.charge_fee(running, scheme="per_page", pages=40, by=clerk)
    with pytest.raises(InvalidTransition):
        services.record_payment(running, by=clerk, paid_on=fee.pay_by + dt.timedelta(days=1))


def test_decision_without_legal_basis_is_refused(running, clerk):
    with pytest.raises(DomainError) as error:
        services.draft_reply(running, outcome=Outcome.DISCLOSED, legal_basis=" ", body="予以公开", documents_provided="报告", by=clerk)
    assert error.value.field == "legal_basis"
    assert not running.replies.exists()


@pytest.mark.parametrize("outcome", [Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_UNPAID_FEE])
def test_a_closing_outcome_cannot_be_drafted(running, clerk, outcome):
    with pytest.raises(DomainError) as error:
        services.draft_reply(running, outcome=outcome, legal_basis="第三十条", body="不再处理", by=clerk)
    assert error.value.field == "outcome" and not running.replies.exists()


def test_still_unclear_after_correction_needs_a_correction_first(running, clerk):
    with pytest.raises(DomainError) as error:
        services.draft_reply(running, outcome=Outcome.UNAVAILABLE_UNCLEAR, legal_basis="第三十条", body="仍不明确", by=clerk)
    assert error.value.field == "outcome" and not running.replies.exists()
    services.request_correction(running, by=clerk, text="请明确")
    services.submit_correction(running, text="补正内容")
    reply = services.draft_reply(running, outcome=Outcome.UNAVAILABLE_UNCLEAR, legal_basis="第三十条", body="仍不明确", by=clerk)
    assert reply.outcome == Outcome.UNAVAILABLE_UNCLEAR


def test_decision_with_unknown_outcome_is_refused(running, clerk):
    with pytest.raises(DomainError):
        services.draft_reply(running, outcome="maybe", legal_basis="第三十六条", body="x", by=clerk)


def _approve_all(reply, people):
    for person in people:
        reply = services.decide_reply(reply, by=person, decision=Decision.APPROVE)
    return reply


def test_reply_goes_through_the_chain_then_is_sent(running, clerk, chain_people):
    reply = services.draft_reply(running, outcome=Outcome.PARTIAL, legal_basis="《条例》第三十七条", body="部分公开",
                                 documents_provided="报告（删除个人信息）", by=clerk)
    services.submit_reply(reply, by=clerk)
    reply = _approve_all(reply, chain_people)
    running.refresh_from_db()
    assert (reply.status, running.status) == (ReplyStatus.APPROVED, Status.APPROVED)
    assert running.letters.get(kind="reply").letter_kind == "reply.partial"
    application = services.record_delivery(running, via="online", by=clerk)
    assert (application.status, application.outcome, application.closed_on is not None) == (Status.CLOSED, Outcome.PARTIAL, True)


def test_sign_off_step_by_the_wrong_role_is_refused(running, clerk, chain_people):
    reply = services.draft_reply(running, outcome=Outcome.DISCLOSED, legal_basis="第三十六条", body="公开", documents_provided="报告", by=clerk)
    services.submit_reply(reply, by=clerk)
    with pytest.raises(NotAllowed):
        services.decide_reply(reply, by=chain_people[2], decision=Decision.APPROVE)


def test_returned_reply_goes_back_to_the_handler(running, clerk, chain_people):
    reply = services.draft_reply(running, outcome=Outcome.DISCLOSED, legal_basis="第三十六条", body="公开", documents_provided="报告", by=clerk)
    services.submit_reply(reply, by=clerk)
    reply = services.decide_reply(reply, by=chain_people[0], decision=Decision.RETURN, comment="依据不全")
    running.refresh_from_db()
    assert (reply.status, running.status) == (ReplyStatus.RETURNED, Status.IN_PROGRESS)


def _approved(running, clerk, chain_people):
    reply = services.draft_reply(running, outcome=Outcome.DISCLOSED, legal_basis="第三十六条", body="予以公开", documents_provided="报告", by=clerk)
    services.submit_reply(reply, by=clerk)
    _approve_all(reply, chain_people)
    running.refresh_from_db()
    return running


def test_email_delivery_sends_the_reply_letter_as_a_pdf_attachment(running, clerk, chain_people, mailoutbox, django_capture_on_commit_callbacks):
    approved = _approved(running, clerk, chain_people)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.record_delivery(approved, via="email", by=clerk)
    [message] = [m for m in mailoutbox if running.tracking_number in m.subject]
    name, content, mime = message.attachments[0]
    assert (message.to, mime, content[:5], name.endswith(".pdf")) == (["zhangsan@example.com"], "application/pdf", b"%PDF-", True)
    assert (application.delivered_via, application.delivery_reference) == ("email", "zhangsan@example.com")


def test_a_failed_reply_email_stays_visible_on_the_case(running, clerk, chain_people, settings, django_capture_on_commit_callbacks):
    from gongkai.applications import outbox
    from gongkai.notify.models import Status as SendStatus

    settings.EMAIL_BACKEND = "gongkai.notify.tests.mail_backends.RefusingEmailBackend"
    approved = _approved(running, clerk, chain_people)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_delivery(approved, via="email", by=clerk)
    sent = outbox.messages_about(running).get(event="applicant.reply_email")
    assert (sent.status, bool(sent.attachment), bool(sent.last_error)) == (SendStatus.RETRYING, True, True)


def test_a_delivery_dated_before_the_receipt_is_refused(running, clerk, chain_people):
    approved = _approved(running, clerk, chain_people)
    with pytest.raises(DomainError) as error:
        services.record_delivery(approved, via="online", by=clerk, delivered_on=approved.received_on - dt.timedelta(days=1))
    approved.refresh_from_db()
    assert error.value.field == "delivered_on" and approved.status == Status.APPROVED


def test_a_payment_dated_before_the_notice_is_refused(running, clerk):
    fee = services.charge_fee(running, scheme="per_page", pages=40, by=clerk)
    with pytest.raises(DomainError) as error:
        services.record_payment(running, by=clerk, paid_on=fee.notified_on - dt.timedelta(days=1))
    fee.refresh_from_db()
    assert error.value.field == "paid_on" and fee.status == FeeStatus.NOTIFIED


def test_sending_before_approval_is_refused(running, clerk):
    with pytest.raises(InvalidTransition):
        services.record_delivery(running, via="online", by=clerk)


def test_post_delivery_needs_a_tracking_number(running, clerk):
    with pytest.raises(DomainError) as error:
        services.record_delivery(running, via="post", by=clerk)
    assert error.value.field == "reference"


def test_withdrawal_closes_as_other(running, clerk):
    application = services.withdraw(running, by=clerk, reason="申请人电话撤回")
    assert (application.status, application.outcome) == (Status.WITHDRAWN, Outcome.OTHER)


def test_withdrawn_case_cannot_be_withdrawn_again(running, clerk):
    services.withdraw(running, by=clerk)
    with pytest.raises(InvalidTransition):
        services.withdraw(running, by=clerk)


def test_merge_keeps_only_the_first_in_the_report(organ, clerk, recent_workday):
    first = received(organ, on=recent_workday, by=clerk)
    second = received(organ, on=recent_workday, by=clerk)
    services.merge(second, into=first, by=clerk)
    assert list(Application.objects.reportable().values_list("pk", flat=True)) == [first.pk]


def test_merge_of_different_applicants_is_refused(organ, clerk, recent_workday):
    first = received(organ, on=recent_workday, by=clerk)
    from gongkai.applications.validators import resident_id_check_digit

    other_id = "44030019900101123" + resident_id_check_digit("44030019900101123")
    second = received(organ, on=recent_workday, by=clerk, id_number=other_id)
    with pytest.raises(DomainError):
        services.merge(second, into=first, by=clerk)


def test_split_makes_new_applications_with_the_same_clock(running, clerk):
    children = services.split(running, parts=[{"subject": "2024年预算"}, {"subject": "2023年预算"}], by=clerk)
    assert [(c.received_on, c.due_on, c.split_from_id) for c in children] == [(running.received_on, running.due_on, running.pk)] * 2
    assert children[0].tracking_number != children[1].tracking_number


def test_repeat_application_is_suggested(organ, clerk, recent_workday):
    first = received(organ, on=recent_workday, by=clerk)
    second = received(organ, on=recent_workday, by=clerk)
    assert second.possible_duplicate_of == first


def test_petition_content_is_flagged(organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk, description="我要举报某单位违规收费")
    assert application.is_petition_suspected


def test_volume_beyond_reasonable_range_is_flagged(organ, clerk, recent_workday, settings):
    settings.APPLICATIONS_VOLUME_THRESHOLD = 2
    for n in range(2):
        received(organ, on=recent_workday, by=clerk, subject=f"信息{n}号")
    assert received(organ, on=recent_workday, by=clerk, subject="信息第三").is_volume_flagged


def test_appeal_is_recorded_and_decided(running, office, today):
    appeal = services.record_appeal(organ=running.organ, application=running, kind=AppealKind.RECONSIDERATION, filed_on=today, by=office)
    appeal = services.decide_appeal(appeal, result=AppealResult.UPHELD, decided_on=today, by=office)
    assert (appeal.result, appeal.decided_on) == (AppealResult.UPHELD, today)


def test_appeal_by_another_organ_is_refused(running, outsider, today):
    with pytest.raises(NotAllowed):
        services.record_appeal(organ=running.organ, application=running, kind=AppealKind.RECONSIDERATION, filed_on=today, by=outsider)


def test_every_move_is_audited(running, clerk):
    services.add_note(running, text="备注", by=clerk)
    services.withdraw(running, by=clerk)
    assert actions(running)[:3] == ["applications.withdrawn", "applications.note_added", "applications.claimed"]


def test_calendar_change_recomputes_running_deadlines(organ, clerk, django_capture_on_commit_callbacks):
    from gongkai.workdays.calendar import invalidate
    from gongkai.workdays.models import CalendarSource, DayOverride
    from gongkai.workdays.signals import calendar_changed

    application = services.claim(received(organ, on=dt.date(2026, 11, 20), by=clerk), by=clerk)
    before = application.due_on
    DayOverride.objects.create(date=dt.date(2026, 11, 30), is_working=False, name="测试", source=CalendarSource.MANUAL)
    invalidate()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_changed.send(sender=None, years=[2026], dates=[dt.date(2026, 11, 30)], by=None, reason="test")
    application.refresh_from_db()
    assert application.due_on == clock.current().next_working_day(before)
    assert "applications.deadline_recomputed" in actions(application)


def test_attachment_disguised_as_pdf_is_refused_and_nothing_saved(organ):
    fake = SimpleUploadedFile("身份证.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(DomainError) as error:
        services.submit_application(organ=organ, channel="web", data=person_data(), attachments=[fake])
    assert error.value.field == "attachments"
    assert not Application.objects.exists()


def test_calendar_change_outside_a_deadline_leaves_it_alone(organ, clerk):
    application = services.claim(received(organ, on=dt.date(2026, 11, 20), by=clerk), by=clerk)
    assert services.recompute_running(dates=[dt.date(2026, 6, 1)]) == 0
    assert "applications.deadline_recomputed" not in actions(application)


def test_flags_can_be_corrected_by_the_handler(running, clerk):
    application = services.set_flags(running, by=clerk, petition=True, volume=False)
    assert (application.is_petition_suspected, "applications.flags_set" in actions(application)) == (True, True)


def test_transition_table_leads_only_to_known_states():
    assert all(move.target is None or move.target in Status.values for move in MOVES.moves.values())


CLOSED_MOVES = {
    "claim": lambda a, u: services.claim(a, by=u),
    "request_correction": lambda a, u: services.request_correction(a, by=u, text="x"),
    "start_consultation": lambda a, u: services.start_consultation(a, kind="third_party", party="x", by=u),
    "charge_fee": lambda a, u: services.charge_fee(a, scheme="per_page", pages=50, by=u),
    "draft_reply": lambda a, u: services.draft_reply(a, outcome="disclosed", legal_basis="x", body="x", documents_provided="x", by=u),
    "merge": lambda a, u: services.merge(a, into=received(a.organ, on=a.received_on, by=u), by=u),
    "split": lambda a, u: services.split(a, parts=[{"subject": "x"}], by=u),
    "withdraw": lambda a, u: services.withdraw(a, by=u),
    "set_flags": lambda a, u: services.set_flags(a, by=u, petition=True, volume=True),
}


@pytest.mark.parametrize("move", sorted(CLOSED_MOVES))
def test_moves_on_a_withdrawn_application_are_refused(running, clerk, move):
    services.withdraw(running, by=clerk)
    running.refresh_from_db()
    with pytest.raises(InvalidTransition):
        CLOSED_MOVES[move](running, clerk)
    running.refresh_from_db()
    assert running.status == Status.WITHDRAWN


OUTSIDER_MOVES = {
    "claim": lambda a, u: services.claim(a, by=u),
    "add_note": lambda a, u: services.add_note(a, text="x", by=u),
    "request_correction": lambda a, u: services.request_correction(a, by=u, text="x"),
    "extend": lambda a, u: services.extend(a, days=5, reason="x", by=u),
    "draft_reply": lambda a, u: services.draft_reply(a, outcome="disclosed", legal_basis="x", body="x", documents_provided="x", by=u),
    "withdraw": lambda a, u: services.withdraw(a, by=u),
    "charge_fee": lambda a, u: services.charge_fee(a, scheme="per_page", pages=50, by=u),
    "route": lambda a, u: services.route(a, department=DepartmentFactory(organ=a.organ), by=u),
    "assign": lambda a, u: services.assign(a, to=u, by=u),
    "set_flags": lambda a, u: services.set_flags(a, by=u, petition=True, volume=False),
    "split": lambda a, u: services.split(a, parts=[{"subject": "另一事项"}], by=u),
    "start_consultation": lambda a, u: services.start_consultation(a, kind="third_party", party="x", by=u),
    "merge": lambda a, u: services.merge(a, into=received(a.organ, on=a.received_on), by=u),
}


@pytest.mark.parametrize("move", sorted(OUTSIDER_MOVES))
def test_moves_by_a_leader_without_a_handling_role_are_refused(running, organ, move):
    if move == "add_note":
        pytest.skip("leaders may add notes")
    leader = member(organ, Role.DEPUTY_LEADER)
    with pytest.raises(NotAllowed):
        OUTSIDER_MOVES[move](running, leader)
    assert Application.objects.get(pk=running.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("verb", sorted(MOVES))
def test_every_verb_is_refused_from_every_state_outside_its_table(verb):
    sources = MOVES[verb].sources
    for state in set(Status.values) - set(sources):
        with pytest.raises(InvalidTransition):
            MOVES.check_state(Application(status=state), verb)


@pytest.mark.parametrize("move", sorted(OUTSIDER_MOVES))
def test_moves_by_staff_of_another_organ_are_refused(running, outsider, move):
    with pytest.raises(NotAllowed):
        OUTSIDER_MOVES[move](running, outsider)
    assert Application.objects.get(pk=running.pk).status == Status.IN_PROGRESS


def test_calendar_change_recomputes_plain_and_consulting_deadlines_like_one_by_one(organ, clerk):
    from gongkai.applications import clock
    from gongkai.workdays.calendar import invalidate
    from gongkai.workdays.models import CalendarSource, DayOverride

    plain = services.claim(received(organ, on=dt.date(2026, 11, 20), by=clerk), by=clerk)
    consulting = services.claim(received(organ, on=dt.date(2026, 11, 20), by=clerk), by=clerk)
    services.start_consultation(consulting, kind="third_party", party="某公司", by=clerk, sent_on=dt.date(2026, 11, 23))
    DayOverride.objects.create(date=dt.date(2026, 11, 30), is_working=False, name="测试", source=CalendarSource.MANUAL)
    invalidate()
    assert services.recompute_running(dates=[dt.date(2026, 11, 30)]) == 2
    for application in (plain, consulting):
        application = Application.objects.get(pk=application.pk)
        stored = (application.due_on, application.internal_due_on, application.correction_notice_due_on, application.due_explanation)
        assert clock.apply(application) is False
        assert stored[3] == application.due_explanation
        assert "applications.deadline_recomputed" in actions(application)


def test_withdrawal_during_sign_off_takes_the_reply_out_of_the_leaders_tasks(running, clerk, chain_people):
    from gongkai.signoff.models import Signoff, SignoffStatus

    reply = services.draft_reply(running, outcome=Outcome.DISCLOSED, legal_basis="第三十六条", body="公开", documents_provided="报告", by=clerk)
    services.submit_reply(reply, by=clerk)
    services.withdraw(running, reason="已不需要")
    reply.refresh_from_db()
    assert (reply.status, reply.signoff.status) == (ReplyStatus.WITHDRAWN, SignoffStatus.WITHDRAWN)
    assert not Signoff.objects.waiting_for(chain_people[0]).exists()


def test_a_calendar_change_recomputes_the_deadline_of_a_case_waiting_for_its_fee(organ, clerk, django_capture_on_commit_callbacks):
    from gongkai.workdays.calendar import invalidate
    from gongkai.workdays.models import CalendarSource, DayOverride
    from gongkai.workdays.signals import calendar_changed

    application = services.claim(received(organ, on=dt.date(2026, 11, 20), by=clerk), by=clerk)
    services.charge_fee(application, scheme="per_page", pages=101, by=clerk)
    application.refresh_from_db()
    assert application.status == Status.AWAITING_FEE
    before = application.due_on
    DayOverride.objects.create(date=dt.date(2026, 11, 30), is_working=False, name="测试", source=CalendarSource.MANUAL)
    invalidate()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_changed.send(sender=None, years=[2026], dates=[dt.date(2026, 11, 30)], by=None, reason="test")
    application.refresh_from_db()
    assert application.due_on == clock.current().next_working_day(before)
    assert "applications.deadline_recomputed" in actions(application)


def _calendar_change_on(day: dt.date, django_capture_on_commit_callbacks) -> None:
    from gongkai.workdays.calendar import invalidate
    from gongkai.workdays.models import CalendarSource, DayOverride
    from gongkai.workdays.signals import calendar_changed

    DayOverride.objects.create(date=day, is_working=False, name="测试", source=CalendarSource.MANUAL)
    invalidate()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_changed.send(sender=None, years=[day.year], dates=[day], by=None, reason="test")


def test_a_calendar_change_recomputes_the_deadline_of_a_case_paused_for_a_consultation(organ, clerk, django_capture_on_commit_callbacks):
    application = services.claim(received(organ, on=dt.date(2026, 11, 20), by=clerk), by=clerk)
    services.start_consultation(application, kind="third_party", party="某公司", by=clerk, sent_on=dt.date(2026, 11, 23))
    application.refresh_from_db()
    assert application.status == Status.CONSULTING
    before = application.due_on
    # A holiday inside the consultation changes nothing (those days are not counted anyway); one between the end
    # of the consultation and the due date moves the deadline by a working day.
    _calendar_change_on(dt.date(2026, 11, 30), django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.due_on == before
    _calendar_change_on(dt.date(2026, 12, 28), django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.due_on == clock.current().next_working_day(before)
    assert clock.apply(application) is False  # what is stored is what the facts give now
    assert "applications.deadline_recomputed" in actions(application)


def test_a_calendar_change_recomputes_the_deadlines_of_a_case_paused_for_a_correction(organ, clerk, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    application = received(organ, on=today, by=clerk)
    services.request_correction(application, by=clerk, text="请说明所需信息的年份")
    application.refresh_from_db()
    assert application.status == Status.CORRECTION_REQUESTED
    holiday = today + dt.timedelta(days=3)
    while holiday.weekday() >= 5 or not clock.current().is_working_day(holiday):
        holiday += dt.timedelta(days=1)
    _calendar_change_on(holiday, django_capture_on_commit_callbacks)
    application = Application.objects.get(pk=application.pk)
    stored = (application.due_on, application.internal_due_on, application.correction_notice_due_on, application.due_explanation)
    assert clock.apply(application) is False, stored  # every stored deadline already counts the new holiday
