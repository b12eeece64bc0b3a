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
