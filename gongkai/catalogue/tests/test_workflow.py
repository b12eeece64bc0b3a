"""The table of moves, the services and the workspace agree on every (state, verb, role)."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.catalogue import services
from gongkai.catalogue.models import Validity
from gongkai.catalogue.tests.factories import Office
from gongkai.catalogue.workflow import BUTTONS, MOVES, STATES, state_key
from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.factories import UserFactory
from gongkai.organs.permissions import has_role
from gongkai.signoff.models import Decision

pytestmark = pytest.mark.django_db


class Undo(Exception):
    pass


def _items(office: Office) -> dict:
    """One item in every workflow state, each reached through the services."""
    clerk = office.clerk

    def in_review():
        item = office.draft()
        services.submit(item, by=clerk)
        return item

    def returned():
        item = in_review()
        services.review(item, by=office.head, decision=Decision.RETURN, comment="请修改")
        return item

    def withdrawn():
        return services.withdraw(in_review(), by=clerk, reason="不再需要")

    def discarded():
        return services.discard(office.draft(), by=clerk, reason="重复起草")

    def revision(kind: str):
        item = office.published()
        services.start_revision(item, by=clerk)
        if kind == "draft":
            return item
        services.update_draft(item, by=clerk, data={"summary": "修订"})
        services.submit(item, by=clerk)
        if kind == "returned":
            services.review(item, by=office.head, decision=Decision.RETURN, comment="请修改")
        elif kind == "approved":
            office.approve_all(item)
        return item

    made = {
        "draft": office.draft(), "in_review": in_review(), "returned": returned(), "approved": office.approved(),
        "published": office.published(), "withdrawn": withdrawn(), "discarded": discarded(), "revision_draft": revision("draft"),
        "revision_in_review": revision("in_review"), "revision_returned": revision("returned"),
        "revision_approved": revision("approved"),
    }
    for item in made.values():
        item.refresh_from_db()
    return made


MOVE_CALLS = {
    "edit": lambda item, by: services.update_draft(item, by=by, data={"summary": "改"}),
    "submit": lambda item, by: services.submit(item, by=by),
    "recall": lambda item, by: services.recall(item, by=by),
    "review": lambda item, by: services.review(item, by=by, decision=Decision.APPROVE),
    "publish": lambda item, by: services.publish(item, by=by),
    "revise": lambda item, by: services.start_revision(item, by=by),
    "validity": lambda item, by: services.change_validity(
        item, by=by, validity=Validity.REPEALED, on=timezone.localdate(), explanation="已废止"
    ),
    "withdraw": lambda item, by: services.withdraw(item, by=by, reason="不再需要"),
    "discard": lambda item, by: services.discard(item, by=by, reason="重复起草"),
}


def _service_allows(call, item, by) -> bool:
    """Whether the service makes the move (rolled back afterwards); a refusal of the table is False."""
    try:
        with transaction.atomic():
            call(item, by)
            raise Undo
    except Undo:
        return True
    except (NotAllowed, InvalidTransition):
        return False
    except DomainError:  # a rule about the content, not about the move
        return True


def test_every_state_verb_and_role_agrees_between_table_service_and_workspace(client):
    office = Office()
    items = _items(office)
    assert set(items) == set(STATES)
    people = {
        "clerk": office.clerk, "department head": office.head, "confidentiality reviewer": office.secrecy,
        "disclosure office": office.office, "web administrator": office.webadmin, "outsider": UserFactory(),
    }
    for state, item in items.items():
        assert state_key(item) == state
        for name, person in people.items():
            done = set()
            for button, call in MOVE_CALLS.items():
                verbs = [v for v in MOVES if BUTTONS.get(v, v) == button]
                in_table = any(MOVES.can(item, person, v) for v in verbs)
                by_service = _service_allows(call, item, person)
                signoff = services.pending_signoff(item)
                if button == "review" and in_table:  # the sign-off chain asks for the current step's role
                    in_table = has_role(person, item.organ, signoff.current_role)
                assert by_service == in_table, (state, button, name)
                if by_service:
                    done.add(button)
            actions = services.allowed_actions(item, person) - {"resolve"}
            assert actions == done, (state, name)
            if name == "outsider":
                continue
            client.force_login(person)
            response = client.get(reverse("workspace:item", args=[item.pk]))
            assert response.status_code == 200
            assert response.context["actions"] - {"resolve"} == done, (state, name)


VIEW_POSTS = {
    "submit": ("workspace:item_submit", lambda item: {}),
    "recall": ("workspace:item_recall", lambda item: {}),
    "review": ("workspace:item_review", lambda item: {
        "decision": Decision.APPROVE, "content_hash": getattr(services.pending_signoff(item), "content_hash", "x"),
    }),
    "publish": ("workspace:item_publish", lambda item: {}),
    "revise": ("workspace:item_revise", lambda item: {}),
    "validity": ("workspace:item_validity", lambda item: {
        "validity": Validity.REPEALED, "on": timezone.localdate().isoformat(), "explanation": "已废止",
    }),
    "withdraw": ("workspace:item_withdraw", lambda item: {"reason": "不再需要"}),
    "discard": ("workspace:item_discard", lambda item: {"reason": "重复起草"}),
}


def _view_moves(client, item, data_for, url_name) -> bool:
    """Whether posting to the workspace's screen makes the move (rolled back afterwards): a new audit row."""
    before = trail_for(item).count()
    try:
        with transaction.atomic():
            client.post(reverse(url_name, args=[item.pk]), data_for(item))
            moved = trail_for(item).count() > before
            raise Undo
    except Undo:
        return moved


def test_every_state_verb_and_role_agrees_between_the_table_and_the_workspace_screens(client):
    office = Office()
    items = _items(office)
    people = {
        "clerk": office.clerk, "department head": office.head, "confidentiality reviewer": office.secrecy,
        "disclosure office": office.office, "web administrator": office.webadmin,
    }
    for state, item in items.items():
        for name, person in people.items():
            client.force_login(person)
            for button, (url_name, data_for) in VIEW_POSTS.items():
                verbs = [v for v in MOVES if BUTTONS.get(v, v) == button]
                in_table = any(MOVES.can(item, person, v) for v in verbs)
                if button == "review" and in_table:
                    in_table = has_role(person, item.organ, services.pending_signoff(item).current_role)
                assert _view_moves(client, item, data_for, url_name) == in_table, (state, button, name)


def test_every_verb_of_the_table_leads_to_a_known_state():
    for verb, move in MOVES.items():
        assert move.sources <= set(STATES), verb
        assert move.target is None or move.target in STATES, verb
