"""Rate limits on the applicant's forms: a refused post stores nothing and gives back everything typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.models import Application
from gongkai.applications.tests.factories import person_data

pytestmark = pytest.mark.django_db

TOKEN = "r" * 32


def _post(client, organ, token, **overrides):
    return client.post(reverse("applications_public:form", args=[organ.slug]), {**person_data(**overrides), "form_token": token})


def test_applications_beyond_the_limit_are_refused_with_429_and_nothing_stored(client, organ, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "1/h"}
    assert _post(client, organ, "a" * 32).status_code == 302
    response = _post(client, organ, "b" * 32, subject="第二份申请：2024年的预算执行报告")
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 3600
    assert Application.objects.count() == 1


def test_a_refused_application_comes_back_with_everything_typed(client, organ, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "1/h"}
    _post(client, organ, "a" * 32)
    response = _post(client, organ, "b" * 32, subject="第二份申请：2024年的预算执行报告")
    page = response.content.decode()
    assert "第二份申请：2024年的预算执行报告" in page and "请提供2025年度财政预算执行情况的完整报告。" in page
    assert 'value="' + "b" * 32 + '"' in page  # the same form token: a later retry cannot file it twice
    assert "本次没有提交任何内容" in response.context["form"].non_field_errors()[0]


def test_another_address_may_still_apply(client, organ, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "apply": "1/h"}
    _post(client, organ, "a" * 32)
    response = client.post(
        reverse("applications_public:form", args=[organ.slug]), {**person_data(), "form_token": "c" * 32}, REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 302


def test_corrections_beyond_the_limit_are_refused_and_the_text_kept(client, organ, clerk, recent_workday, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "correct": "1/h"}
    result = services.register_application(organ=organ, channel="letter", data=person_data(), received_on=recent_workday, by=clerk)
    services.request_correction(result.application, by=clerk, text="请补充年份")
    client.post(reverse("applications_public:case_login"), {"tracking_number": result.application.tracking_number, "secret": result.secret})
    url = reverse("applications_public:correct", args=[result.application.tracking_number])
    client.post(url, {"text": ""})  # a first, invalid post counts too
    response = client.post(url, {"text": "是2025年的报告"})
    assert response.status_code == 429 and "Retry-After" in response
    assert "是2025年的报告" in response.content.decode()
    result.application.refresh_from_db()
    assert result.application.correction_response == ""
