"""The staff pages: who may open them, and every move through its button."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.factories import UserFactory
from gongkai.interaction.models import Message, Status


def _act(client, message, verb, data=None):
    return client.post(reverse("interaction_ws:action", args=[message.pk, verb]), data or {})


def test_the_queue_needs_a_signed_in_person(client, db):
    response = client.get(reverse("interaction_ws:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_queue_is_refused_to_someone_without_a_role(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("interaction_ws:queue")).status_code == 403


def test_the_queue_lists_the_organs_open_messages_only(client, clerk, message, other_organ):
    from gongkai.interaction import services
    from gongkai.interaction.tests.conftest import DATA

    elsewhere = services.submit_message(organ=other_organ, data=dict(DATA)).message
    client.force_login(clerk)
    page = client.get(reverse("interaction_ws:queue")).content.decode()
    assert message.number in page and elsewhere.number not in page


@pytest.mark.parametrize("due", ["soon", "overdue"])
def test_the_queue_filters_by_deadline(client, clerk, message, due):
    client.force_login(clerk)
    assert client.get(reverse("interaction_ws:queue"), {"due": due, "status": "received"}).status_code == 200


def test_the_message_page_of_another_organ_is_refused(client, outsider, message):
    client.force_login(outsider)
    assert client.get(reverse("interaction_ws:detail", args=[message.pk])).status_code == 403
    assert _act(client, message, "accept").status_code == 403
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED


def test_the_message_page_needs_a_signed_in_person(client, message):
    response = client.get(reverse("interaction_ws:detail", args=[message.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_shows_the_moves_of_the_table(client, clerk, office, message):
    client.force_login(clerk)
    assert client.get(reverse("interaction_ws:detail", args=[message.pk])).context["verbs"] == ["accept"]
    client.force_login(office)
    verbs = client.get(reverse("interaction_ws:detail", args=[message.pk])).context["verbs"]
    assert verbs == ["accept", "refuse", "transfer", "assign"]


def test_a_whole_handling_through_the_buttons(client, clerk, head, deputy, office, message):
    client.force_login(clerk)
    assert _act(client, message, "accept").status_code == 302
    assert _act(client, message, "draft_reply", {"text": "可以办理"}).status_code == 302
    assert _act(client, message, "submit_reply").status_code == 302
    client.force_login(head)
    assert "decide" in client.get(reverse("interaction_ws:detail", args=[message.pk])).context["verbs"]
    _act(client, message, "decide", {"decision": "approve"})
    client.force_login(deputy)
    _act(client, message, "decide", {"decision": "approve"})
    client.force_login(clerk)
    _act(client, message, "send")
    client.force_login(office)
    _act(client, message, "publish")
    message = Message.objects.get(pk=message.pk)
    assert message.status == Status.ANSWERED and message.published


def test_a_refused_move_says_why_and_changes_nothing(client, clerk, message):
    client.force_login(clerk)
    response = _act(client, message, "send")
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED
    page = client.get(response["Location"]).content.decode()
    assert "不能进行此操作" in page


def test_a_move_with_bad_input_names_the_field(client, office, message):
    client.force_login(office)
    response = _act(client, message, "refuse", {"reason": "elsewhere"})
    page = client.get(response["Location"]).content.decode()
    assert "请告知群众应向何处反映" in page
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED


def test_transfer_assign_and_extend_through_the_buttons(client, office, department, clerk, message, other_organ):
    client.force_login(office)
    _act(client, message, "assign", {"department": department.pk, "assignee": clerk.pk})
    _act(client, message, "accept")
    _act(client, message, "extend", {"days": 3, "reason": "需要核实"})
    message = Message.objects.get(pk=message.pk)
    assert (message.assignee, message.extension_days) == (clerk, 3)
    _act(client, message, "transfer", {"to": other_organ.pk, "reason": "职责"})
    assert Message.objects.get(pk=message.pk).status == Status.TRANSFERRED


def test_an_unknown_verb_is_not_found(client, office, message):
    client.force_login(office)
    assert _act(client, message, "delete").status_code == 404


def test_a_get_on_a_move_is_refused(client, office, message):
    client.force_login(office)
    assert client.get(reverse("interaction_ws:action", args=[message.pk, "accept"])).status_code == 405


def test_waiting_for_me_lists_my_messages_and_my_sign_off_steps(client, clerk, head, office, message, organ):
    from gongkai.interaction import services
    from gongkai.interaction.tests.conftest import DATA

    other = services.submit_message(organ=organ, data=dict(DATA)).message
    services.assign(message, by=office, assignee=clerk)
    client.force_login(clerk)
    page = client.get(reverse("interaction_ws:queue"), {"view": "mine"}).content.decode()
    assert message.number in page and other.number not in page
    services.submit_reply(services.draft_reply(services.accept(message, by=clerk), by=clerk, text="答复"), by=clerk)
    client.force_login(head)
    page = client.get(reverse("interaction_ws:queue"), {"view": "mine"}).content.decode()
    assert message.number in page and other.number not in page


def test_staff_register_a_letter_and_see_the_query_code_once(client, clerk, organ):
    import datetime as dt

    client.force_login(clerk)
    assert client.get(reverse("interaction_ws:register")).status_code == 200
    data = {"organ": organ.pk, "channel": "letter", "received_on": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
            "type": "complaint", "subject": "来信反映噪声", "content": "夜间施工噪声。", "phone": "13812345678"}
    response = client.post(reverse("interaction_ws:register"), data)
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.channel == "letter"
    page = client.get(response["Location"]).content.decode()
    assert message.number in page and "查询码" in page


def test_registering_with_a_future_day_names_the_field(client, clerk, organ):
    import datetime as dt

    client.force_login(clerk)
    data = {"organ": organ.pk, "channel": "visit", "received_on": (dt.date.today() + dt.timedelta(days=2)).isoformat(),
            "type": "help", "subject": "来访求助", "content": "求助内容。"}
    response = client.post(reverse("interaction_ws:register"), data)
    assert response.status_code == 400 and "received_on" in response.context["form"].errors
    assert not Message.objects.exists()


def test_registering_is_refused_without_the_role(client, head, deputy):
    client.force_login(deputy)
    assert client.get(reverse("interaction_ws:register")).status_code == 403


@pytest.mark.parametrize("name", ["register", "statistics"])
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, db, name):
    response = client.get(reverse(f"interaction_ws:{name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_move_by_an_anonymous_visitor_changes_nothing(client, message):
    response = _act(client, message, "accept")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED


def test_the_supervising_office_reads_but_cannot_move(client, organ, message):
    from gongkai.factories import GovernmentFactory, member
    from gongkai.organs.models import Role

    government = GovernmentFactory()
    organ.parent = government
    organ.save()
    client.force_login(member(government, Role.DISCLOSURE_OFFICE))
    assert client.get(reverse("interaction_ws:detail", args=[message.pk])).status_code == 200
    assert _act(client, message, "accept").status_code == 403
    assert Message.objects.get(pk=message.pk).status == Status.RECEIVED
