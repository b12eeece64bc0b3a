"""The public statistics pages of an organ and of the whole city: figures from the dashboard's month counts (never a
scan of the register or the catalogue once the months are current), cached like the other public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongkai.applications.taxonomy import Outcome
from gongkai.factories import OrganFactory
from gongkai.reports import public_stats
from gongkai.reports.tests.factories import application, item

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


def at(month, day):
    return timezone.make_aware(dt.datetime(YEAR, month, day, 10))


@pytest.fixture
def organ(office):
    organ = office.organ
    application(organ, received_on=dt.date(YEAR, 1, 5))
    application(organ, received_on=dt.date(YEAR, 1, 6), closed_on=dt.date(YEAR, 3, 2), due_on=dt.date(YEAR, 3, 3),
                outcome=Outcome.DISCLOSED)
    application(organ, received_on=dt.date(YEAR, 1, 7), closed_on=dt.date(YEAR, 3, 20), due_on=dt.date(YEAR, 3, 3),
                outcome=Outcome.DISCLOSED)
    item(organ, published_at=at(2, 10))
    item(organ, published_at=at(2, 11))
    return organ


def test_an_organs_page_counts_applications_outcomes_and_items_by_month(client, organ):
    OrganFactory()  # another organ's figures are not counted here
    response = client.get(reverse("portal:organ_statistics", args=[organ.slug]), {"year": YEAR})
    figures = response.context["figures"]
    months = dict(figures.months)
    assert response.status_code == 200
    assert (months[1].received, months[3].closed, months[3].timely, months[2].items) == (3, 2, 1, 2)
    assert (figures.total.received, figures.total.closed, figures.total.timely_share, figures.total.items) == (3, 2, 50.0, 2)
    assert [n for _label, n in figures.outcomes] == [2]
    assert 'id="stats-months"' in response.content.decode()


def test_the_city_page_has_a_row_per_organ_linking_to_its_page(client, organ):
    other = OrganFactory()
    response = client.get(reverse("portal:statistics"), {"year": YEAR})
    rows = dict(response.context["figures"].organs)
    page = response.content.decode()
    assert rows[organ].received == 3 and rows[other].received == 0
    assert reverse("portal:organ_statistics", args=[other.slug]) in page


def test_once_the_months_are_counted_the_figures_read_no_application_or_item(organ):
    public_stats.statistics([organ], YEAR)
    with CaptureQueriesContext(connection) as queries:
        again = public_stats.statistics([organ], YEAR)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert again.total.received == 3
    assert "applications_application" not in sql and "catalogue_item" not in sql


def test_a_closed_application_shows_after_the_cache_time(client, organ, settings):
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0  # no cache: every request counts again (only the months changed)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    url = reverse("portal:organ_statistics", args=[organ.slug])
    assert client.get(url, {"year": YEAR}).context["figures"].total.closed == 2
    from gongkai.reports import stats

    late = application(organ, received_on=dt.date(YEAR, 4, 1), closed_on=dt.date(YEAR, 4, 10), outcome=Outcome.DISCLOSED)
    stats.applications_changed(organ.pk, [late.received_on])
    assert client.get(url, {"year": YEAR}).context["figures"].total.closed == 3


def test_the_page_is_served_from_the_page_cache(client, organ, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    url = reverse("portal:organ_statistics", args=[organ.slug])
    client.get(url, {"year": YEAR})
    assert client.get(url, {"year": YEAR})["X-Page-Cache"] == "hit"


def test_a_year_outside_the_offered_ones_shows_this_year(client, organ):
    response = client.get(reverse("portal:organ_statistics", args=[organ.slug]), {"year": "1999"})
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year


def test_an_unknown_organ_is_not_found(client, db):
    assert client.get(reverse("portal:organ_statistics", args=["no-such-organ"])).status_code == 404


def test_the_column_navigation_links_the_statistics(client, organ):
    page = client.get(reverse("portal:column", args=[organ.slug])).content.decode()
    assert reverse("portal:organ_statistics", args=[organ.slug]) in page
