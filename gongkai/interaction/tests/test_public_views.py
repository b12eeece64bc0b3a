"""The citizen's pages: writing, the receipt, following with the query code, rating, the published answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.interaction import services
from gongkai.interaction.models import Message, Status
from gongkai.interaction.tests.conftest import DATA

TOKEN = "t" * 32


def _post(client, organ, token=TOKEN, **overrides):
    data = {**DATA, **overrides, "form_token": token}
    return client.post(reverse("interaction_public:form", args=[organ.slug]), data)


def _open(client, message, code):
    return client.post(reverse("interaction_public:lookup"), {"number": message.number, "code": code})


def test_the_organ_list_and_the_form_show(client, organ):
    assert organ.name in client.get(reverse("interaction_public:organs")).content.decode()
    page = client.get(reverse("interaction_public:form", args=[organ.slug]))
    assert page.status_code == 200 and 'name="form_token"' in page.content.decode()


def test_an_unknown_organ_has_no_form(client, db):
    assert client.get(reverse("interaction_public:form", args=["nosuch"])).status_code == 404


def test_sending_shows_the_receipt_with_the_query_code_once(client, organ):
    response = _post(client, organ)
    assert response.status_code == 302
    message = Message.objects.get()
    page = client.get(response["Location"])
    code = page.context["code"]
    assert code and services.secret_matches(message, code)
    assert message.number in page.content.decode()


def test_the_receipt_is_refused_to_another_browser(client, organ, submitted):
    url = reverse("interaction_public:done", args=[organ.slug, submitted.message.form_token])
    assert client.get(url).status_code == 404


def test_the_same_form_sent_twice_stores_one_message(client, organ):
    _post(client, organ)
    _post(client, organ)
    assert Message.objects.count() == 1


def test_bad_input_comes_back_naming_the_field(client, organ):
    response = _post(client, organ, phone="12")
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert not Message.objects.exists()


def test_html_in_the_content_is_stored_as_text_and_shown_escaped(client, organ):
    _post(client, organ, content="<script>alert(1)</script>请问办理时间")  # the sending browser holds its session
    message = Message.objects.get()
    assert message.content.startswith("<script>")
    page = client.get(reverse("interaction_public:message", args=[message.number])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_honeypot_field_stops_a_robot(client, organ):
    response = _post(client, organ, website="http://spam.example")
    assert response.status_code == 400 and not Message.objects.exists()


def test_an_expired_form_token_is_refused(client, organ):
    assert _post(client, organ, token="short").status_code == 400
    assert not Message.objects.exists()


def test_a_flood_gets_429_and_keeps_what_was_typed(client, organ, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message": "1/h"}
    assert _post(client, organ).status_code == 302
    response = _post(client, organ, token="u" * 32, subject="第二条留言")
    assert response.status_code == 429 and "第二条留言" in response.content.decode()
    assert Message.objects.count() == 1


def test_many_messages_with_one_phone_number_are_limited_from_any_address(client, organ, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_phone": "1/h"}
    assert _post(client, organ).status_code == 302
    response = client.post(reverse("interaction_public:form", args=[organ.slug]),
                           {**DATA, "form_token": "v" * 32}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 429 and Message.objects.count() == 1


def test_the_follow_page_opens_with_the_query_code(client, submitted):
    response = _open(client, submitted.message, submitted.code)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and submitted.message.subject in page.content.decode()


def test_a_wrong_query_code_opens_nothing(client, submitted):
    response = _open(client, submitted.message, "WRONGCODE2")
    assert response.status_code == 200 and "查询码" in response.content.decode()


def test_wrong_codes_are_limited(client, submitted, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "message_lookup": "2/15min"}
    for _ in range(2):
        _open(client, submitted.message, "WRONGCODE2")
    assert _open(client, submitted.message, submitted.code).status_code == 429


def test_the_follow_page_without_the_code_shows_the_lookup_form(client, message):
    response = client.get(reverse("interaction_public:message", args=[message.number]))
    assert response.status_code == 404 and response.context["form"].initial["number"] == message.number
    assert message.subject not in response.content.decode()


def test_a_transferred_message_is_followed_where_it_went(client, submitted, office, other_organ):
    services.transfer(submitted.message, by=office, to=other_organ)
    response = _open(client, submitted.message, submitted.code)
    copy = Message.objects.get(organ=other_organ)
    assert response["Location"] == reverse("interaction_public:message", args=[copy.number])


def test_the_citizen_rates_the_answer(client, submitted, answered):
    _open(client, answered, submitted.code)
    url = reverse("interaction_public:rate", args=[answered.number])
    assert client.post(url, {"rating": "unsatisfied", "comment": "没说清楚"}).status_code == 302
    assert Message.objects.get(pk=answered.pk).status == Status.ACCEPTED


def test_rating_is_refused_without_the_code(client, answered):
    url = reverse("interaction_public:rate", args=[answered.number])
    assert client.post(url, {"rating": "satisfied"}).status_code == 404


def test_rating_an_open_message_is_refused(client, submitted):
    _open(client, submitted.message, submitted.code)
    response = client.post(reverse("interaction_public:rate", args=[submitted.message.number]), {"rating": "satisfied"})
    assert response.status_code == 400
    assert Message.objects.get(pk=submitted.message.pk).rating == ""


def test_published_answers_show_masked_personal_data(client, organ, answered, office):
    services.publish(answered, by=office)
    page = client.get(reverse("interaction_public:answers", args=[organ.slug])).content.decode()
    assert answered.subject in page and "138****5678" in page and "13812345678" not in page


def test_unpublished_answers_are_not_listed(client, organ, answered):
    page = client.get(reverse("interaction_public:answers", args=[organ.slug])).content.decode()
    assert answered.subject not in page


@pytest.mark.parametrize("name", ["organs", "lookup"])
def test_public_pages_answer_anonymous_visitors(client, db, name):
    assert client.get(reverse(f"interaction_public:{name}")).status_code == 200
