"""A draft never submitted is discarded (作废): its own move, label and audit row; nothing is deleted."""

import pytest
from django.urls import reverse

from gongkai.catalogue import services
from gongkai.catalogue.models import Item, ItemState
from gongkai.catalogue.tests.factories import Office
from gongkai.core.audit import trail_for
from gongkai.core.errors import InvalidTransition, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return Office()


def test_a_draft_never_submitted_is_discarded_and_kept(office):
    item = office.draft()
    assert "discard" in services.allowed_actions(item, office.clerk)
    assert "withdraw" not in services.allowed_actions(item, office.clerk)
    services.discard(item, by=office.clerk, reason="重复起草")
    item = Item.objects.get(pk=item.pk)
    assert item.state == ItemState.DISCARDED and str(item.get_state_display()) != str(ItemState.WITHDRAWN.label)
    event = trail_for(item).get(action="catalogue.discarded")
    assert event.actor == office.clerk and event.reason == "重复起草"
    assert not Item.objects.unpublished_active().filter(pk=item.pk).exists()


def test_a_submitted_item_is_withdrawn_not_discarded(office):
    item = office.draft()
    services.submit(item, by=office.clerk)
    item.refresh_from_db()
    assert "discard" not in services.allowed_actions(item, office.clerk)
    with pytest.raises(InvalidTransition):
        services.discard(item, by=office.clerk)
    services.withdraw(item, by=office.clerk, reason="不再需要")
    item.refresh_from_db()
    assert item.state == ItemState.WITHDRAWN


def test_a_draft_is_not_withdrawn(office):
    with pytest.raises(InvalidTransition):
        services.withdraw(office.draft(), by=office.clerk, reason="不再需要")


def test_only_the_drafting_roles_discard(office):
    with pytest.raises(NotAllowed):
        services.discard(office.draft(), by=office.head)


def test_the_page_offers_discard_and_the_view_discards(client, office):
    item = office.draft()
    client.force_login(office.clerk)
    page = client.get(reverse("workspace:item", args=[item.pk])).content.decode()
    assert reverse("workspace:item_discard", args=[item.pk]) in page
    assert reverse("workspace:item_withdraw", args=[item.pk]) not in page
    client.post(reverse("workspace:item_discard", args=[item.pk]), {"reason": "重复起草"})
    item.refresh_from_db()
    assert item.state == ItemState.DISCARDED


def test_the_discard_view_refuses_other_roles(client, office):
    item = office.draft()
    client.force_login(office.head)
    assert client.post(reverse("workspace:item_discard", args=[item.pk]), {"reason": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT
