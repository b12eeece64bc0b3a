from __future__ import annotations

import pytest

from gongkai.core.audit import log_action
from gongkai.core.audit_bulk import Logged, log_actions
from gongkai.core.chain import verify_chain
from gongkai.core.models import AuditEvent
from gongkai.factories import OrganFactory, UserFactory
from gongkai.organs.models import Organ

pytestmark = pytest.mark.django_db


def test_many_rows_are_logged_like_one_by_one_and_chained():
    organ, other = OrganFactory(), OrganFactory()
    user = UserFactory()
    single = log_action(organ, "test.touched", by=user, organ=organ, reason="why", data={"n": 0})
    written = log_actions(Organ, "test.touched", [Logged(organ.pk, str(organ), organ.pk, {"n": 1}),
                                                  Logged(other.pk, str(other), other.pk, {"n": 2})], by=user, reason="why")
    events = list(AuditEvent.objects.filter(action="test.touched").order_by("pk"))
    assert written == 2 and len(events) == 3
    for event in events[1:]:
        assert (event.actor_id, event.actor_name, event.target_type_id, event.reason) == (
            single.actor_id, single.actor_name, single.target_type_id, "why")
    assert [(e.target_id, e.organ_id, e.data) for e in events[1:]] == [
        (str(organ.pk), organ.pk, {"n": 1}), (str(other.pk), other.pk, {"n": 2})]
    assert verify_chain().ok


def test_nothing_to_log_writes_nothing():
    assert log_actions(Organ, "test.touched", []) == 0
    assert not AuditEvent.objects.filter(action="test.touched").exists()
