"""Every kind of page answers with the Content Security Policy and holds nothing the policy would block: no
inline script, no event-handler attribute, no style attribute or <style> block, no javascript: URL.

The pages come from the demo city: the public portal (home, column, catalogue, item, search, application form,
case page, annual reports, the report check, the API documentation), then the workspace crawled as one person
of each role (and the supervising office), then the admin as the administrator."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from gongkai.applications import services as application_services
from gongkai.applications.tests.factories import person_data
from gongkai.catalogue.models import Item
from gongkai.demo.builder import PASSWORD
from gongkai.organs.models import Membership, Organ, Role
from gongkai.reports.models import AnnualReport
from gongkai.testing import crawl_pages

pytestmark = pytest.mark.django_db(transaction=False)

PAGES_PER_ROLE = 30


class InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.found.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.found.append(f"<{tag} style=…> style attribute")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script" and not names.get("src"):
            kind = (names.get("type") or "").lower()
            if kind not in {"application/json", "application/ld+json"}:  # data, never executed
                self._in_inline_script = True
                self.found.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def assert_protected(url: str, response) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{url}: no Content-Security-Policy header"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    found = inline_code(response.content.decode("utf-8", "replace"))
    assert not found, f"{url}: {found}"


def crawl(client: Client, starts: list[str], prefixes: tuple[str, ...], limit: int) -> list[str]:
    return crawl_pages(client, starts, prefixes, limit, check=assert_protected)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("csp-media")):
        from django.db import transaction

        with transaction.atomic():
            from gongkai.factories import reseed_if_flushed

            reseed_if_flushed()
            call_command("load_demo", if_empty=True, items=30, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def test_public_pages_carry_the_policy_and_no_inline_code(demo, client):
    organ = Organ.objects.filter(parent__isnull=False, is_active=True).order_by("path").first()
    item = Item.objects.published().select_related("organ").order_by("-pk").first()
    report = AnnualReport.objects.filter(status="published").select_related("organ").first()
    result = application_services.submit_application(
        organ=organ, channel="web",
        data=person_data(),
    )
    client.post("/apply/case/", {"tracking_number": result.application.tracking_number, "secret": result.secret})
    pages = [
        "/", f"/{organ.slug}/", f"/{organ.slug}/guide/", f"/{organ.slug}/catalogue/", "/search/?q=公开",
        f"/{organ.slug}/search/?q=通知", f"/{item.organ.slug}/items/{item.pk}/", "/apply/", f"/apply/{organ.slug}/",
        "/apply/case/", f"/apply/case/{result.application.tracking_number}/", "/annual-reports/",
        "/annual-reports/check/", f"/annual-reports/{report.organ.slug}/{report.year}/", "/api/docs/", "/accounts/login/",
        f"/{organ.slug}/rules/", f"/{organ.slug}/statutory/", f"/{organ.slug}/on-application/",
        f"/{organ.slug}/organisation/", f"/{organ.slug}/leaders/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_protected(url, response)
    assert len(crawl(client, ["/"], ("/",), 40)) >= 20


def _one_person_per_role() -> dict[str, object]:
    people = {}
    government = Organ.objects.filter(parent__isnull=True).first()
    for membership in Membership.objects.select_related("user", "organ").order_by("organ__path"):
        label = "supervising_office" if membership.organ == government and membership.role == Role.DISCLOSURE_OFFICE else membership.role
        people.setdefault(label, membership.user)
    return people


def test_workspace_pages_of_every_role_carry_the_policy_and_no_inline_code(demo):
    people = _one_person_per_role()
    assert set(Role.values) | {"supervising_office"} <= set(people)
    for label, user in people.items():
        client = Client()
        assert client.login(username=user.username, password=PASSWORD), label
        checked = crawl(client, ["/workspace/"], ("/workspace/",), PAGES_PER_ROLE)
        assert len(checked) >= 5, (label, checked)


def test_the_item_editor_passes_its_nonce_to_the_rich_text_editor(demo):
    user = _one_person_per_role()[Role.CLERK]
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/workspace/items/new/")
    assert response.status_code == 200
    nonce = re.search(r'<meta name="trix-csp-nonce" content="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert_protected("/workspace/items/new/", response)


def test_admin_pages_carry_the_policy_and_no_inline_code(demo):
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    checked = crawl(client, ["/admin/"], ("/admin/",), 60)
    assert any(url.endswith("/add/") for url in checked) and len(checked) >= 30


def test_refusal_pages_carry_the_policy_too(db, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/min"}
    client.get("/search/?q=a")
    response = client.get("/search/?q=b")
    assert response.status_code == 429
    assert_protected("/search/ (429)", response)


def test_the_finder_sees_each_kind_of_inline_code():
    html = (
        '<script>alert(1)</script><script type="application/json">{}</script><script src="/static/x.js"></script>'
        '<button onclick="x()">b</button><p style="color:red">p</p><style>p{}</style><a href="javascript:void(0)">a</a>'
    )
    assert inline_code(html) == [
        "inline <script>", "<button onclick=…> event handler", "<p style=…> style attribute", "<style> block",
        "<a href=javascript:…>",
    ]
