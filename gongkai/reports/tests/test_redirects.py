"""A refused move sends the person back to a page of the workspace, never to an address given from outside."""

import pytest
from django.urls import reverse

from gongkai.reports import services

pytestmark = pytest.mark.django_db

OUTSIDE = ["//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "http:/evil.example", "/annual-reports/"]


@pytest.fixture
def refused(client, office):
    """A submission the service refuses: the draft's prompts are still in the text sections."""
    report = services.generate(office.organ, 2025, by=office.office)
    client.force_login(office.office)
    return reverse("reports_ws:submit", args=[report.pk])


@pytest.mark.parametrize("target", OUTSIDE)
def test_an_outside_next_is_refused(client, refused, target):
    response = client.post(refused, {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("reports_ws:home")


@pytest.mark.parametrize("target", OUTSIDE)
def test_an_outside_next_in_the_query_is_refused(client, refused, target):
    response = client.post(refused + "?" + "next=" + target)
    assert response["Location"] == reverse("reports_ws:home")


@pytest.mark.parametrize("referer", ["https://evil.example/workspace/reports/", "//evil.example/x"])
def test_an_outside_referer_is_refused(client, refused, referer):
    response = client.post(refused, HTTP_REFERER=referer)
    assert response["Location"] == reverse("reports_ws:home")


def test_a_next_in_the_workspace_is_followed(client, refused, office):
    target = reverse("reports_ws:organ_year", args=[office.organ.pk, 2025])
    assert client.post(refused, {"next": target})["Location"] == target


def test_the_referer_of_this_site_is_followed(client, refused):
    page = refused.replace("submit/", "")
    assert client.post(refused, HTTP_REFERER=f"http://testserver{page}")["Location"] == page


def test_a_message_after_a_move_is_shown_once(client, office):
    report = services.generate(office.organ, 2025, by=office.office)
    client.force_login(office.office)
    response = client.post(reverse("reports_ws:check", args=[report.pk]), follow=True)
    html = response.content.decode()
    [message] = [str(m) for m in response.context["messages"]]
    assert html.count(message) == 1
