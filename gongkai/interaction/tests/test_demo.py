"""The demo messages build through the services, in the states the demo promises."""

from __future__ import annotations

from gongkai.demo.builder import ROLE_SUFFIX, City
from gongkai.factories import member
from gongkai.interaction import demo
from gongkai.interaction.models import Message, Status
from gongkai.organs.models import Role


def test_the_demo_has_messages_in_every_state(organ, other_organ):
    city = City(organs={"gxj": organ, "sthjj": other_organ})
    for role in (Role.CLERK, Role.DEPARTMENT_HEAD, Role.DEPUTY_LEADER, Role.DISCLOSURE_OFFICE):
        city.people[f"gxj_{ROLE_SUFFIX[role][0]}"] = member(organ, role)
    public = demo.build(city=city, log=lambda text: None)
    states = set(Message.objects.filter(organ=organ).values_list("status", flat=True))
    assert states == {Status.RECEIVED, Status.ACCEPTED, Status.IN_SIGNOFF, Status.ANSWERED, Status.REFUSED, Status.TRANSFERRED}
    assert Message.objects.published().count() == 1
    assert Message.objects.filter(organ=organ).overdue().exists()
    assert Message.objects.filter(reopened_on__isnull=False).exists()
    assert public.code
