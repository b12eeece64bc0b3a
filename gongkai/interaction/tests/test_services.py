"""Every move of a message through its service, and the refusals of each."""

from __future__ import annotations

import pytest

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.interaction import services
from gongkai.interaction.models import Message, MessageBoxSettings, Status
from gongkai.interaction.tests.conftest import DATA
from gongkai.workdays.calendar import add_working_days


def _actions(message):
    return [event.action for event in trail_for(message)]


def test_submitting_stores_the_message_with_a_query_code_and_a_five_working_day_deadline(submitted):
    message = submitted.message
    assert message.status == Status.RECEIVED
    assert services.secret_matches(message, submitted.code)
    assert not services.secret_matches(message, "WRONGCODE1")
    assert message.due_on == add_working_days(message.received_on, 5).due
    assert "interaction.submitted" in _actions(message)


def test_contact_details_are_encrypted_at_rest(submitted):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM interaction_message WHERE id = %s", [submitted.message.pk])
        raw = cursor.fetchone()[0]
    assert "13812345678" not in str(raw)
    assert Message.objects.get(pk=submitted.message.pk).phone == "13812345678"


def test_the_same_form_token_gives_the_first_message_back(organ, submitted):
    again = services.submit_message(organ=organ, data=dict(DATA), form_token=submitted.message.form_token)
    assert not again.created and again.message.pk == submitted.message.pk
    assert Message.objects.count() == 1


@pytest.mark.parametrize(("field", "value"), [
    ("type", "gossip"), ("subject", ""), ("content", ""), ("subject", "长" * 101), ("content", "长" * 5001),
    ("phone", "138123456789"), ("phone", "abc"), ("email", "not-an-address"),
])
def test_bad_input_is_refused_naming_the_field(organ, field, value):
    with pytest.raises(DomainError) as error:
        services.submit_message(organ=organ, data={**DATA, field: value})
    assert error.value.field == field
    assert not Message.objects.exists()


def test_an_organ_may_require_contact_details(organ):
    MessageBoxSettings.objects.create(organ=organ, contact_required=True, reply_days=3)
    with pytest.raises(DomainError) as error:
        services.submit_message(organ=organ, data={**DATA, "phone": "", "email": ""})
    assert error.value.field == "phone"
    message = services.submit_message(organ=organ, data=dict(DATA)).message
    assert message.reply_days == 3


def test_accepting_needs_a_handler_of_the_organ(message, clerk, outsider):
    with pytest.raises(NotAllowed):
        services.accept(message, by=outsider)
    message = services.accept(message, by=clerk)
    assert message.status == Status.ACCEPTED
    with pytest.raises(InvalidTransition):
        services.accept(message, by=clerk)


@pytest.mark.parametrize("reason", ["spam", "abusive"])
def test_refusing_records_the_reason(message, office, reason):
    message = services.refuse(message, by=office, reason=reason)
    assert message.status == Status.REFUSED and message.refusal_reason == reason
    assert "interaction.refuse" in _actions(message)


def test_a_duplicate_is_linked_to_the_original(organ, message, office):
    second = services.submit_message(organ=organ, data=dict(DATA)).message
    with pytest.raises(DomainError):
        services.refuse(second, by=office, reason="duplicate")
    second = services.refuse(second, by=office, reason="duplicate", duplicate_of=message)
    assert second.duplicate_of == message


def test_a_matter_for_elsewhere_tells_the_citizen_where_to_go(message, office):
    with pytest.raises(DomainError) as error:
        services.refuse(message, by=office, reason="elsewhere")
    assert error.value.field == "note"
    message = services.refuse(message, by=office, reason="elsewhere", note="请向市场监管部门反映")
    assert message.refusal_note == "请向市场监管部门反映"


def test_a_clerk_cannot_refuse(message, clerk):
    with pytest.raises(NotAllowed):
        services.refuse(message, by=clerk, reason="spam")


def test_transferring_starts_a_new_clock_in_the_other_organ(submitted, office, other_organ):
    message = services.transfer(submitted.message, by=office, to=other_organ, reason="属对方职责")
    assert message.status == Status.TRANSFERRED
    copy = message.transferred_to
    assert copy.organ == other_organ and copy.status == Status.RECEIVED
    assert copy.due_on == add_working_days(copy.received_on, 5).due
    assert services.secret_matches(copy, submitted.code)
    with pytest.raises(DomainError):
        services.transfer(copy, by=office, to=other_organ)  # the office of the first organ has no role there


def test_transferring_to_the_same_organ_is_refused(message, office, organ):
    with pytest.raises(DomainError) as error:
        services.transfer(message, by=office, to=organ)
    assert error.value.field == "to"


def test_assigning_to_a_department_and_handler(message, office, department, clerk, outsider):
    message = services.assign(message, by=office, department=department, assignee=clerk)
    assert (message.department, message.assignee) == (department, clerk)
    with pytest.raises(DomainError) as error:
        services.assign(message, by=office, assignee=outsider)
    assert error.value.field == "assignee"


def test_extending_once_with_a_reason(message, clerk, office):
    message = services.accept(message, by=clerk)
    before = message.due_on
    with pytest.raises(DomainError):
        services.extend(message, by=office, days=3, reason="")
    message = services.extend(message, by=office, days=3, reason="需现场核实")
    assert message.due_on == add_working_days(message.received_on, 8).due and message.due_on > before
    with pytest.raises(InvalidTransition):
        services.extend(message, by=office, days=2, reason="再次延期")


def test_the_reply_goes_through_the_sign_off_chain(message, clerk, head, deputy):
    message = services.accept(message, by=clerk)
    with pytest.raises(InvalidTransition):
        services.submit_reply(message, by=clerk)  # nothing drafted yet
    message = services.draft_reply(message, by=clerk, text="答复内容")
    message = services.submit_reply(message, by=clerk)
    assert message.status == Status.IN_SIGNOFF
    assert services.may_decide(message, head) and not services.may_decide(message, deputy)
    with pytest.raises(NotAllowed):
        services.decide_reply(message, by=deputy, decision="approve")
    message = services.decide_reply(message, by=head, decision="approve")
    assert message.status == Status.IN_SIGNOFF
    message = services.decide_reply(message, by=deputy, decision="approve")
    assert message.status == Status.APPROVED


def test_the_reply_goes_through_the_organs_own_chain_when_it_has_one(message, clerk, office, head):
    from gongkai.signoff.services import set_chain

    set_chain(message.organ, services.SIGNOFF_KIND, [("disclosure_office", False)], by=office)
    message = services.accept(message, by=clerk)
    message = services.draft_reply(message, by=clerk, text="答复内容")
    message = services.submit_reply(message, by=clerk)
    assert [step.role for step in message.signoff.steps.all()] == ["disclosure_office"]
    assert not services.may_decide(message, head)
    assert services.decide_reply(message, by=office, decision="approve").status == Status.APPROVED


def test_a_returned_reply_is_handled_again(message, clerk, head):
    message = services.accept(message, by=clerk)
    message = services.draft_reply(message, by=clerk, text="答复内容")
    message = services.submit_reply(message, by=clerk)
    message = services.decide_reply(message, by=head, decision="return", comment="请补充办理地点")
    assert message.status == Status.ACCEPTED
    message = services.draft_reply(message, by=clerk, text="答复内容，地点：市民中心")
    assert services.submit_reply(message, by=clerk).status == Status.IN_SIGNOFF


def test_sending_answers_the_message(answered):
    assert answered.status == Status.ANSWERED and answered.replied_at is not None
    with pytest.raises(InvalidTransition):
        services.draft_reply(answered, by=answered.assignee, text="又一个答复")


def test_publishing_masks_personal_data(answered, office):
    message = services.publish(answered, by=office)
    assert message.published
    assert "13812345678" not in message.public_content and "138****5678" in message.public_content
    assert Message.objects.published().filter(pk=message.pk).exists()
    with pytest.raises(InvalidTransition):
        services.publish(message, by=office)


def test_publishing_needs_the_citizens_consent(answered, office):
    Message.objects.filter(pk=answered.pk).update(publish_consent=False)
    with pytest.raises(InvalidTransition):
        services.publish(answered, by=office)


def test_a_clerk_cannot_publish(answered, clerk):
    with pytest.raises(NotAllowed):
        services.publish(answered, by=clerk)


def test_rating_satisfied_keeps_the_message_answered(answered):
    message = services.rate(answered, rating="satisfied", comment="很及时")
    assert message.status == Status.ANSWERED and message.rating == "satisfied"
    with pytest.raises(InvalidTransition):
        services.rate(message, rating="unsatisfied")


def test_rating_before_the_answer_is_refused(message):
    with pytest.raises(InvalidTransition):
        services.rate(message, rating="satisfied")


def test_unsatisfied_reopens_once_with_its_own_deadline(answered, clerk, head, deputy):
    message = services.rate(answered, rating="unsatisfied", comment="没有回答我的问题")
    assert message.status == Status.ACCEPTED and message.was_reopened
    assert message.due_on == add_working_days(message.reopened_on, 5).due
    message = services.draft_reply(message, by=clerk, text="补充答复")
    message = services.submit_reply(message, by=clerk)
    message = services.decide_reply(message, by=head, decision="approve")
    message = services.decide_reply(message, by=deputy, decision="approve")
    message = services.send(message, by=clerk)
    message = services.rate(message, rating="unsatisfied")
    assert message.status == Status.ANSWERED  # only once


def test_overdue_and_due_soon_queues(message):
    import datetime as dt

    assert Message.objects.overdue(today=message.due_on + dt.timedelta(days=1)).filter(pk=message.pk).exists()
    assert not Message.objects.overdue(today=message.received_on).exists()
    assert Message.objects.due_within(10, today=message.received_on).filter(pk=message.pk).exists()


def test_messages_are_never_deleted(message):
    with pytest.raises(RuntimeError):
        message.delete()


def test_staff_register_a_hotline_message_with_its_day(organ, clerk):
    import datetime as dt

    day = dt.date.today() - dt.timedelta(days=3)
    result = services.register_message(organ=organ, by=clerk, channel="hotline", received_on=day, data=dict(DATA))
    message = result.message
    assert (message.channel, message.received_on, message.status) == ("hotline", day, Status.RECEIVED)
    assert message.due_on == add_working_days(day, 5).due and services.secret_matches(message, result.code)
    assert "interaction.register" in _actions(message)


def test_registering_is_refused_to_other_organs_and_for_a_future_day(organ, outsider, clerk):
    import datetime as dt

    with pytest.raises(NotAllowed):
        services.register_message(organ=organ, by=outsider, channel="letter", received_on=dt.date.today(), data=dict(DATA))
    with pytest.raises(DomainError) as error:
        services.register_message(organ=organ, by=clerk, channel="letter",
                                  received_on=dt.date.today() + dt.timedelta(days=1), data=dict(DATA))
    assert error.value.field == "received_on"
    with pytest.raises(DomainError) as error:
        services.register_message(organ=organ, by=clerk, channel="web", received_on=dt.date.today(), data=dict(DATA))
    assert error.value.field == "channel"
    assert not Message.objects.exists()


def test_publishing_masks_id_numbers_and_other_mobiles_the_scanner_finds(answered, office):
    from gongkai.sensitive.scanner import id_check_character

    first17 = "11010519491231002"
    id_number = first17 + id_check_character(first17)
    Message.objects.filter(pk=answered.pk).update(
        reply_text=f"经核实，身份证号{id_number}的申请人已办结，经办人电话13900001111。")
    message = services.publish(Message.objects.get(pk=answered.pk), by=office)
    assert id_number not in message.public_reply and "1101" in message.public_reply
    assert "13900001111" not in message.public_reply and "139****1111" in message.public_reply


def test_the_citizen_is_told_the_reply_is_there(message, clerk, head, deputy, django_capture_on_commit_callbacks):
    from gongkai.notify.models import Notification

    message = services.submit_reply(services.draft_reply(services.accept(message, by=clerk), by=clerk, text="答复"), by=clerk)
    message = services.decide_reply(services.decide_reply(message, by=head, decision="approve"), by=deputy, decision="approve")
    with django_capture_on_commit_callbacks(execute=True):
        services.send(message, by=clerk)
    sent = Notification.objects.filter(reference=f"message:{message.pk}")
    assert sent.exists() and message.number in sent.first().subject
