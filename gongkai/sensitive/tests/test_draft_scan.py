"""A draft is scanned when it is saved; a text never scanned says so ("尚未检查"), never "nothing found"."""

import pytest
from django.urls import reverse

from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Item, ItemState
from gongkai.catalogue.tests.factories import category, item_data, topic
from gongkai.factories import OrganFactory, member
from gongkai.organs.models import Role
from gongkai.sensitive import services
from gongkai.sensitive.models import FindingKind

pytestmark = pytest.mark.django_db

NOT_CHECKED = "尚未检查"
NOTHING_FOUND = "敏感内容检查未发现问题"


@pytest.fixture
def clerk():
    return member(OrganFactory(), Role.CLERK)


def organ_of(user):
    return user.memberships.get().organ


def findings_card(client, item) -> str:
    html = client.get(reverse("workspace:item", args=[item.pk])).content.decode()
    start = html.index('id="findings"')
    return html[start : html.index("</section>", start)]


def test_a_text_never_scanned_has_no_scan():
    organ = OrganFactory()
    item = Item.objects.create(organ=organ, title="未经检查", topic=topic(), category=category(), state=ItemState.DRAFT,
                               date_formed="2026-01-01", created_by=member(organ, Role.CLERK))
    assert services.last_scan(item) is None


def test_saving_a_draft_scans_it_and_keeps_what_it_found(clerk):
    item = catalogue.create_draft(organ=organ_of(clerk), by=clerk, data=item_data(body="<p>联系电话 138-1234-5678。</p>"))
    scan = services.last_scan(item, 0)
    assert [hit["kind"] for hit in scan.hits] == [FindingKind.MOBILE]
    catalogue.update_draft(item, by=clerk, data={"body": "<p>已删除电话。</p>"})
    assert services.last_scan(item, 0).hits == []
    assert services.findings_for(item).count() == 0  # findings to resolve come with the submitted version


def test_a_draft_never_scanned_says_not_checked_not_nothing_found(client, clerk):
    organ = organ_of(clerk)
    item = Item.objects.create(organ=organ, title="未经检查", topic=topic(), category=category(), state=ItemState.DRAFT,
                               date_formed="2026-01-01", created_by=clerk)
    client.force_login(clerk)
    card = findings_card(client, item)
    assert NOT_CHECKED in card and NOTHING_FOUND not in card


def test_a_saved_clean_draft_says_nothing_found(client, clerk):
    item = catalogue.create_draft(organ=organ_of(clerk), by=clerk, data=item_data())
    client.force_login(clerk)
    card = findings_card(client, item)
    assert NOTHING_FOUND in card and NOT_CHECKED not in card


def test_a_saved_draft_with_a_number_shows_it_before_submission(client, clerk):
    item = catalogue.create_draft(organ=organ_of(clerk), by=clerk, data=item_data(body="<p>身份证号 110105 19491231 002X。</p>"))
    client.force_login(clerk)
    card = findings_card(client, item)
    assert 'data-state="draft-hits"' in card and "110105 19491231 002X" in card and NOTHING_FOUND not in card
