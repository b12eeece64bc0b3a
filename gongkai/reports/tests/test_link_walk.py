"""Every link on the annual-report workspace pages leads somewhere, for the people who use them."""

import datetime as dt
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from gongkai.reports import services
from gongkai.reports.tests.factories import application, item

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)"')


def walk(client, start: str, prefix: str = "/workspace/reports/", limit: int = 150) -> dict[str, int]:
    """Follow every link under ``prefix`` from ``start``; the status of each address visited."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith(prefix):
                continue
            if target not in seen:
                queue.append(target)
    return seen


def test_every_link_on_the_report_pages_works_for_a_clerk(client, office):
    item(office.organ, date_formed=dt.date(2025, 3, 1))
    application(office.organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 5), outcome="")
    services.generate(office.organ, 2025, by=office.office)
    services.generate(office.organ, 2024, by=office.office)
    client.force_login(office.clerk)
    seen = walk(client, reverse("reports_ws:home") + "?year=2025")
    broken = {url: status for url, status in seen.items() if status >= 400}
    assert not broken
    assert any("/export." in url for url in seen)
