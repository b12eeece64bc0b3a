import pytest
from django.core.exceptions import PermissionDenied  # noqa: F401

from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.factories import OrganFactory, member
from gongkai.organs.models import Role
from gongkai.signoff import services
from gongkai.signoff.models import Decision, SignoffStatus, SubjectKind

pytestmark = pytest.mark.django_db


def open_for(organ, by, important=False):
    return services.open_signoff(
        organ, organ=organ, kind=SubjectKind.ITEM, by=by, title="测试", version=1, content_hash="h1", important=important
    )


def test_unimportant_subject_skips_the_principal_leader():
    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    assert [s.role for s in signoff.steps.all()] == [Role.DEPARTMENT_HEAD, Role.CONFIDENTIALITY_REVIEWER, Role.DEPUTY_LEADER]


def test_each_step_moves_to_the_next_role_and_the_last_approves():
    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK), important=True)
    for role in (Role.DEPARTMENT_HEAD, Role.CONFIDENTIALITY_REVIEWER, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER):
        assert signoff.current_role == role
        signoff = services.decide(signoff, by=member(organ, role), decision=Decision.APPROVE, content_hash="h1")
    assert signoff.status == SignoffStatus.APPROVED
    assert signoff.decisions.count() == 4


def test_it_refuses_a_person_without_the_step_role():
    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    with pytest.raises(NotAllowed):
        services.decide(signoff, by=member(organ, Role.DEPUTY_LEADER), decision=Decision.APPROVE, content_hash="h1")


def test_it_refuses_the_right_role_in_another_organ():
    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    with pytest.raises(NotAllowed):
        services.decide(signoff, by=member(OrganFactory(), Role.DEPARTMENT_HEAD), decision=Decision.APPROVE, content_hash="h1")


def test_returning_needs_a_comment():
    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    with pytest.raises(DomainError):
        services.decide(signoff, by=member(organ, Role.DEPARTMENT_HEAD), decision=Decision.RETURN, content_hash="h1")


def test_a_changed_version_cannot_be_approved():
    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    with pytest.raises(InvalidTransition):
        services.decide(signoff, by=member(organ, Role.DEPARTMENT_HEAD), decision=Decision.APPROVE, content_hash="other")


def test_waiting_for_lists_only_the_current_role_holders():
    organ = OrganFactory()
    head = member(organ, Role.DEPARTMENT_HEAD)
    deputy = member(organ, Role.DEPUTY_LEADER)
    signoff = open_for(organ, member(organ, Role.CLERK))
    assert list(type(signoff).objects.waiting_for(head)) == [signoff]
    assert list(type(signoff).objects.waiting_for(deputy)) == []


def test_the_trail_names_the_step_that_was_decided_not_the_next_one():
    from gongkai.core.models import AuditEvent

    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    services.decide(signoff, by=member(organ, Role.DEPARTMENT_HEAD), decision=Decision.APPROVE, content_hash="h1")
    event = AuditEvent.objects.filter(action="signoff.approve", target_id=str(signoff.pk)).get()
    assert event.data == {"step": 1, "role": Role.DEPARTMENT_HEAD}


def test_every_decision_in_the_trail_names_its_own_step_to_the_last_one():
    from gongkai.core.models import AuditEvent

    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK), important=True)
    chain = [Role.DEPARTMENT_HEAD, Role.CONFIDENTIALITY_REVIEWER, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER]
    for role in chain:
        signoff = services.decide(signoff, by=member(organ, role), decision=Decision.APPROVE, content_hash="h1")
    events = AuditEvent.objects.filter(action="signoff.approve", target_id=str(signoff.pk)).order_by("pk")
    assert [event.data for event in events] == [{"step": n, "role": role} for n, role in enumerate(chain, start=1)]
    assert [(d.position, d.role) for d in signoff.decisions.order_by("position")] == list(enumerate(chain, start=1))


def test_a_return_in_the_middle_names_the_step_that_returned_it():
    from gongkai.core.models import AuditEvent

    organ = OrganFactory()
    signoff = open_for(organ, member(organ, Role.CLERK))
    signoff = services.decide(signoff, by=member(organ, Role.DEPARTMENT_HEAD), decision=Decision.APPROVE, content_hash="h1")
    signoff = services.decide(
        signoff, by=member(organ, Role.CONFIDENTIALITY_REVIEWER), decision=Decision.RETURN, comment="删去身份证号", content_hash="h1"
    )
    assert signoff.status == SignoffStatus.RETURNED
    event = AuditEvent.objects.filter(action="signoff.return", target_id=str(signoff.pk)).get()
    assert event.data == {"step": 2, "role": Role.CONFIDENTIALITY_REVIEWER}
    assert event.reason == "删去身份证号"


def test_every_kind_of_subject_has_a_default_chain_set_up_on_first_use():
    organ = OrganFactory()
    clerk = member(organ, Role.CLERK)
    for kind in SubjectKind.values:
        subject = OrganFactory()  # any record can be signed off; one per kind, each opened once
        signoff = services.open_signoff(subject, organ=organ, kind=kind, by=clerk, title=kind, version=1,
                                        content_hash=kind, important=True)
        assert [s.role for s in signoff.steps.all()] == [role for role, _ in services.DEFAULT_CHAINS[SubjectKind(kind)]]
    message_chain = services.chain_for(organ, SubjectKind.MESSAGE)
    assert list(message_chain.steps.values_list("role", flat=True)) == [Role.DEPARTMENT_HEAD, Role.DEPUTY_LEADER]
