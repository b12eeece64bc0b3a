"""Every (state, verb, role) of the table of moves, walked through the service and the message page's buttons:
the service refuses exactly what the table refuses, and the page offers no button the table refuses."""

from __future__ import annotations

import pytest
from django.db import transaction

from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.factories import member
from gongkai.interaction import services
from gongkai.interaction.models import Message, Status
from gongkai.interaction.tests.conftest import DATA
from gongkai.interaction.views.workspace import buttons
from gongkai.interaction.workflow import MOVES, STAFF_VERBS, intake
from gongkai.organs.models import Role

ROLES = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICE, Role.DEPUTY_LEADER, None)


class _Undo(Exception):
    pass


def _calls(world):
    return {
        "accept": lambda m, u: services.accept(m, by=u),
        "refuse": lambda m, u: services.refuse(m, by=u, reason="spam"),
        "transfer": lambda m, u: services.transfer(m, by=u, to=world["other_organ"]),
        "assign": lambda m, u: services.assign(m, by=u, department=world["department"]),
        "extend": lambda m, u: services.extend(m, by=u, days=2, reason="核实"),
        "draft_reply": lambda m, u: services.draft_reply(m, by=u, text="答复"),
        "submit_reply": lambda m, u: services.submit_reply(m, by=u),
        "send": lambda m, u: services.send(m, by=u),
        "publish": lambda m, u: services.publish(m, by=u),
    }


def _outcome(call, message, user):
    try:
        with transaction.atomic():
            call(message, user)
            raise _Undo
    except _Undo:
        return None
    except NotAllowed:
        return NotAllowed
    except InvalidTransition as error:
        fresh = Message.objects.get(pk=message.pk)
        table_says = _("This cannot be done while the message is “%(status)s”.") % {"status": fresh.get_status_display()}
        return InvalidTransition if str(error.message) == table_says else None
    except DomainError:
        return None


def _(text):
    from django.utils.translation import gettext

    return gettext(text)


def _messages_in_every_state(organ, clerk, head, deputy):
    def new():
        return services.submit_message(organ=organ, data=dict(DATA)).message

    office = member(organ, Role.DISCLOSURE_OFFICE)
    found = {Status.RECEIVED: new()}
    accepted = services.accept(new(), by=clerk)
    found[Status.ACCEPTED] = services.draft_reply(accepted, by=clerk, text="答复")
    in_signoff = services.submit_reply(services.draft_reply(services.accept(new(), by=clerk), by=clerk, text="答复"), by=clerk)
    found[Status.IN_SIGNOFF] = in_signoff
    approved = services.decide_reply(services.decide_reply(
        services.submit_reply(services.draft_reply(services.accept(new(), by=clerk), by=clerk, text="答复"), by=clerk),
        by=head, decision="approve"), by=deputy, decision="approve")
    found[Status.APPROVED] = approved
    found[Status.ANSWERED] = services.send(services.decide_reply(services.decide_reply(
        services.submit_reply(services.draft_reply(services.accept(new(), by=clerk), by=clerk, text="答复"), by=clerk),
        by=head, decision="approve"), by=deputy, decision="approve"), by=clerk)
    found[Status.REFUSED] = services.refuse(new(), by=office, reason="spam")
    return found


@pytest.mark.django_db
def test_services_and_buttons_agree_with_the_table(organ, other_organ, department, clerk, head, deputy):
    messages = _messages_in_every_state(organ, clerk, head, deputy)
    world = {"other_organ": other_organ, "department": department}
    calls = _calls(world)
    assert set(calls) == set(STAFF_VERBS)
    people = {role: member(organ, role) if role else member(other_organ, Role.DISCLOSURE_OFFICE) for role in ROLES}
    for state, message in messages.items():
        for role, user in people.items():
            shown = set(buttons(message, user))
            expected = NotAllowed if not MOVES.role_allows(intake(organ), user, "register") else None
            assert _outcome(lambda m, u: services.register_message(
                organ=m.organ, by=u, channel="letter", received_on=m.received_on, data={**DATA}), message, user) == expected
            assert "register" not in shown
            for verb in STAFF_VERBS:
                expected = (NotAllowed if not MOVES.role_allows(message, user, verb)
                            else None if MOVES.state_allows(message, verb) else InvalidTransition)
                assert _outcome(calls[verb], message, user) == expected, (state, verb, role)
                if verb in shown:
                    assert expected is None, (state, verb, role)
