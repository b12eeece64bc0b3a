"""The message box's pages show no English and no half-width punctuation in Chinese text (the platform's reader
from core's interface test)."""

from __future__ import annotations

from django.urls import reverse

from gongkai.core.tests.test_chinese_interface import leaks
from gongkai.interaction import services


def test_the_citizens_pages_speak_chinese(client, organ, submitted, answered, office):
    services.publish(answered, by=office)
    client.post(reverse("interaction_public:lookup"), {"number": answered.number, "code": submitted.code})
    pages = [reverse("interaction_public:organs"), reverse("interaction_public:form", args=[organ.slug]),
             reverse("interaction_public:lookup"), reverse("interaction_public:message", args=[answered.number]),
             reverse("interaction_public:answers", args=[organ.slug])]
    found = {page: leaks(client.get(page).content.decode()) for page in pages}
    assert {page: words for page, words in found.items() if words} == {}


def test_the_staff_pages_speak_chinese(client, office, message):
    client.force_login(office)
    pages = [reverse("interaction_ws:queue"), reverse("interaction_ws:queue") + "?view=mine",
             reverse("interaction_ws:detail", args=[message.pk]), reverse("interaction_ws:statistics"),
             reverse("interaction_ws:register")]
    found = {page: leaks(client.get(page).content.decode()) for page in pages}
    assert {page: words for page, words in found.items() if words} == {}


def test_the_message_page_speaks_chinese_in_every_state(client, office, clerk, head, message, other_organ):
    client.force_login(office)
    url = reverse("interaction_ws:detail", args=[message.pk])
    message = services.assign(services.accept(message, by=clerk), by=office, assignee=clerk)
    services.extend(message, by=office, days=2, reason="需要核实")
    services.submit_reply(services.draft_reply(message, by=clerk, text="答复内容"), by=clerk)
    assert leaks(client.get(url).content.decode()) == set()
    client.force_login(head)
    assert leaks(client.get(url).content.decode()) == set()
