"""The catalogue's table of moves: who may do what to an item (and to a revision of a published item), from which state.

An item's workflow state is one word (``state_key``): its own state, or — while a published item is being
revised — ``revision_`` and the revision's state (``revision_draft``, ``revision_in_review``…). The public keeps
seeing the published content during a revision; withdrawing and repealing act on the published item.

Services say ``MOVES.check(item, by, verb)`` and then ``enter(item, move.target)``; the workspace's buttons ask
``allowed_actions(item, user)`` and its queues ``MOVES.waiting_for(user, items, verb)``. Extra conditions beyond
state and role stay in the services (the current sign-off step's role, a proactive disclosure attribute to publish,
an open finding to resolve). The sign-off chain decides where a review leads (next step, approved or returned),
so ``review`` has no target of its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gongkai.catalogue.models import Disclosure, Item, ItemState, RevisionState
from gongkai.organs.models import Role
from gongkai.organs.permissions import has_role, organs_with_role
from gongkai.organs.workflow import Move, Workflow

DRAFTING_ROLES = (Role.CLERK, Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN)
PUBLISHING_ROLES = (Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN)
RESOLVING_ROLES = (Role.CONFIDENTIALITY_REVIEWER,)
# Importing an existing catalogue writes published items at once: the publishers' right.
IMPORTING_ROLES = (Role.WEB_ADMIN, Role.DISCLOSURE_OFFICE)
# Any role may be a step of an organ's sign-off chain; the service checks the current step's.
REVIEWING_ROLES = tuple(Role)

DRAFT, IN_REVIEW, RETURNED, APPROVED = ItemState.DRAFT, ItemState.IN_REVIEW, ItemState.RETURNED, ItemState.APPROVED
PUBLISHED, WITHDRAWN, DISCARDED = ItemState.PUBLISHED, ItemState.WITHDRAWN, ItemState.DISCARDED
REVISION = "revision_"
REVISION_DRAFT, REVISION_IN_REVIEW = REVISION + RevisionState.DRAFT, REVISION + RevisionState.IN_REVIEW
REVISION_RETURNED, REVISION_APPROVED = REVISION + RevisionState.RETURNED, REVISION + RevisionState.APPROVED
REVISING = (REVISION_DRAFT, REVISION_IN_REVIEW, REVISION_RETURNED, REVISION_APPROVED)
STATES = (DRAFT, IN_REVIEW, RETURNED, APPROVED, PUBLISHED, WITHDRAWN, DISCARDED, *REVISING)
EDITABLE = (DRAFT, RETURNED, REVISION_DRAFT, REVISION_RETURNED)


def state_key(item: Item) -> str:
    """The item's workflow state as one word (see the module's docstring)."""
    if item.state == ItemState.PUBLISHED and item.revision_state:
        return REVISION + item.revision_state
    return str(item.state)


def state_q(*keys: str) -> Q:
    """The items in any of the workflow states ``keys``, as one condition."""
    condition = Q(pk__in=[])
    for key in keys:
        if key.startswith(REVISION):
            condition |= Q(state=ItemState.PUBLISHED, revision_state=key[len(REVISION):])
        elif key == PUBLISHED:
            condition |= Q(state=ItemState.PUBLISHED, revision_state=RevisionState.NONE)
        else:
            condition |= Q(state=key)
    return condition


def enter(item: Item, key: str) -> None:
    """Put ``item`` (unsaved) in the workflow state ``key``."""
    if key.startswith(REVISION):
        item.state, item.revision_state = ItemState.PUBLISHED, key[len(REVISION):]
    else:
        item.state, item.revision_state = key, RevisionState.NONE


class ItemWorkflow(Workflow):
    """The table over ``state_key``; queues filter on ``state`` and ``revision_state`` together."""

    def waiting_for(self, user: Any, queryset: QuerySet, verb: str) -> QuerySet:
        move = self.moves[verb]
        return queryset.filter(state_q(*move.sources), organ__in=organs_with_role(user, *move.roles))


MOVES = ItemWorkflow(
    {
        # Change the working content: fields, attachments, interpretation links.
        "edit": Move(EDITABLE, None, DRAFTING_ROLES),
        "submit": Move({DRAFT, RETURNED}, IN_REVIEW, DRAFTING_ROLES),
        "submit_revision": Move({REVISION_DRAFT, REVISION_RETURNED}, REVISION_IN_REVIEW, DRAFTING_ROLES),
        "recall": Move({IN_REVIEW}, RETURNED, DRAFTING_ROLES),
        "recall_revision": Move({REVISION_IN_REVIEW}, REVISION_RETURNED, DRAFTING_ROLES),
        "review": Move({IN_REVIEW, REVISION_IN_REVIEW}, None, REVIEWING_ROLES),
        # A finding found at submission may be answered for as long as it is open.
        "resolve": Move(STATES, None, RESOLVING_ROLES),
        # Masking a finding's passage makes a new version the running sign-off continues on.
        "mask": Move({IN_REVIEW, REVISION_IN_REVIEW}, None, RESOLVING_ROLES),
        # One return to the author with every finding still to be changed.
        "return_for_redaction": Move({IN_REVIEW, APPROVED}, RETURNED, RESOLVING_ROLES),
        "return_revision_for_redaction": Move({REVISION_IN_REVIEW, REVISION_APPROVED}, REVISION_RETURNED, RESOLVING_ROLES),
        "publish": Move({APPROVED}, PUBLISHED, PUBLISHING_ROLES),
        "publish_revision": Move({REVISION_APPROVED}, PUBLISHED, PUBLISHING_ROLES),
        "revise": Move({PUBLISHED}, REVISION_DRAFT, DRAFTING_ROLES),
        "validity": Move({PUBLISHED, *REVISING}, None, PUBLISHING_ROLES),
        # A draft never submitted is discarded (作废); abandoning submitted work not yet approved (撤回) is the
        # author's too; taking approved or published work away the publisher's.
        "discard": Move({DRAFT}, DISCARDED, DRAFTING_ROLES),
        "withdraw_draft": Move({RETURNED, IN_REVIEW}, WITHDRAWN, DRAFTING_ROLES),
        "withdraw": Move({APPROVED, PUBLISHED, *REVISING}, WITHDRAWN, PUBLISHING_ROLES),
    },
    state_of=state_key,
)

def waiting_for_publication(user: Any, queryset: QuerySet) -> QuerySet:
    """The approved proactive items and approved revisions ``user`` may publish."""
    return MOVES.waiting_for(user, queryset.filter(disclosure=Disclosure.ACTIVE), "publish") | MOVES.waiting_for(
        user, queryset, "publish_revision"
    )


# The workspace offers one button for a verb and its revision twin.
BUTTONS = {
    "submit_revision": "submit", "recall_revision": "recall", "publish_revision": "publish", "withdraw_draft": "withdraw",
    "return_revision_for_redaction": "return_for_redaction",
}


def submit_verb(item: Item) -> str:
    return "submit_revision" if MOVES.state_allows(item, "submit_revision") else "submit"


def recall_verb(item: Item) -> str:
    return "recall_revision" if MOVES.state_allows(item, "recall_revision") else "recall"


def publish_verb(item: Item) -> str:
    """Publishing a published item means publishing its revision (refused when none is approved)."""
    return "publish_revision" if item.state == ItemState.PUBLISHED else "publish"


def redaction_verb(item: Item) -> str | None:
    """The move a return for redaction makes, if the item is in a state it moves from."""
    return next((v for v in ("return_for_redaction", "return_revision_for_redaction") if MOVES.state_allows(item, v)), None)


def signoff_outcome(item: Item, outcome: str) -> str:
    """The state a finished sign-off (``approved`` or ``returned``) puts the item, or its revision, in."""
    return REVISION + outcome if state_key(item) in REVISING else outcome


def withdraw_verb(item: Item) -> str:
    return "withdraw_draft" if MOVES.state_allows(item, "withdraw_draft") else "withdraw"


def allowed_actions(
    item: Item, user: Any, *, signoff: Any = None, open_findings: bool = False, findings_to_return: bool = False
) -> set[str]:
    """The buttons ``user`` sees on ``item``: the table's verbs, and the conditions a service adds to them —
    reviewing is for the current step's role, publishing for proactive items, resolving and masking for open
    findings, returning for changes for findings still to be changed."""
    actions: set[str] = set()
    for verb in MOVES.allowed(item, user):
        if verb == "review" and (signoff is None or not has_role(user, item.organ, signoff.current_role)):
            continue
        if verb in ("resolve", "mask") and not (signoff is not None and open_findings):
            continue
        if verb in ("return_for_redaction", "return_revision_for_redaction") and not findings_to_return:
            continue
        if verb in ("recall", "recall_revision") and signoff is None:
            continue
        if verb == "publish" and item.disclosure != Disclosure.ACTIVE:
            continue
        actions.add(BUTTONS.get(verb, verb))
    return actions
