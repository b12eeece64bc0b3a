"""The shared workflow table: the same answer for "may this person do this now" from every question asked of it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gongkai.core.errors import InvalidTransition, NotAllowed
from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Membership, Organ, Role
from gongkai.organs.workflow import Move, Workflow

pytestmark = pytest.mark.django_db

TABLE = Workflow(
    {
        "submit": Move({"draft", "returned"}, "in_review", (Role.CLERK,)),
        "approve": Move({"in_review"}, "approved", (Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICE)),
        "note": Move({"draft", "in_review", "approved"}, None, (Role.CLERK, Role.DEPARTMENT_HEAD)),
    }
)


def thing(organ, status):
    return SimpleNamespace(organ=organ, status=status)


def test_allowed_lists_the_verbs_of_the_state_and_the_role_in_table_order():
    organ = OrganFactory()
    clerk = member(organ, Role.CLERK)
    head = member(organ, Role.DEPARTMENT_HEAD)
    assert TABLE.allowed(thing(organ, "draft"), clerk) == ["submit", "note"]
    assert TABLE.allowed(thing(organ, "draft"), head) == ["note"]
    assert TABLE.allowed(thing(organ, "in_review"), head) == ["approve", "note"]
    assert TABLE.allowed(thing(organ, "approved"), clerk) == ["note"]


def test_a_role_in_another_organ_gives_nothing():
    organ, other = OrganFactory(), OrganFactory()
    clerk_elsewhere = member(other, Role.CLERK)
    assert TABLE.allowed(thing(organ, "draft"), clerk_elsewhere) == []
    with pytest.raises(NotAllowed):
        TABLE.check(thing(organ, "draft"), clerk_elsewhere, "submit")


def test_check_refuses_the_wrong_person_before_the_wrong_state_and_returns_the_move():
    organ = OrganFactory()
    clerk = member(organ, Role.CLERK)
    with pytest.raises(NotAllowed):
        TABLE.check(thing(organ, "approved"), UserFactory(), "submit")
    with pytest.raises(InvalidTransition):
        TABLE.check(thing(organ, "approved"), clerk, "submit")
    assert TABLE.check(thing(organ, "returned"), clerk, "submit").target == "in_review"
    assert TABLE["note"].target is None


def test_waiting_for_is_the_queryset_form_of_can():
    # Organs stand in for subject rows: their "status" is the kind, their "organ" themselves.
    a, b = OrganFactory(kind="department"), OrganFactory(kind="department")
    head = member(a, Role.DEPARTMENT_HEAD)
    table = Workflow({"look": Move({"department"}, None, (Role.DEPARTMENT_HEAD,))}, state_field="kind",
                     organ_field="pk", state_of=lambda o: o.kind, organ_of=lambda o: o)
    waiting = set(table.waiting_for(head, Organ.objects.all(), "look"))
    assert waiting == {o for o in Organ.objects.all() if table.can(o, head, "look")} == {a}
    assert b not in waiting and Membership.objects.filter(user=head).count() == 1
