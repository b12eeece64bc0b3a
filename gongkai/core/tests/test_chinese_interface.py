"""The Chinese interface speaks Chinese: every page a visitor, each kind of staff member and the administrator can
reach in the demo city, rendered in zh-hans, shows no English word or internal name outside a short allow-list of
terms Chinese users write in Latin letters (PDF, API, Excel …), and no half-width colon or English full stop
right after Chinese text."""

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

# Terms a Chinese interface writes in Latin letters: file formats, protocols, product names, the language switch.
ALLOWED = {
    "API", "OpenAPI", "JSON", "YAML", "HTML", "RSS", "Atom", "OA", "ID", "URL", "IP", "HTTP", "HTTPS", "SMS", "TOTP", "App",
    "English", "Word", "WPS", "Excel", "ICP", "Cookie", "GB18030", "UTF", "MB", "KB", "GB", "SHA",
    "Control", "Command", "Mac",  # Django's own Chinese help for choosing several entries names the keys
}
# File formats, written in capitals or as the file's extension.
FORMATS = {"PDF", "DOCX", "DOC", "XLSX", "XLS", "CSV", "ZIP", "OFD", "TXT", "ODT", "ODS", "PNG", "JPG", "JPEG", "GIF"}
DIGEST = re.compile(r"(?=.*\d)[0-9a-f]{8,}|(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9]{5,}")  # hashes, salts, keys: data
WORD = re.compile(r"(?<![A-Za-z0-9@._/\-#=&?%+:])[A-Za-z][A-Za-z0-9]*(?![A-Za-z0-9@_/\-#=&?%+])")
HAN = "\u4e00-\u9fff"
# Web and mail addresses, and the {placeholders} of a number template (what the administrator types), are data.
ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+|\S+@\S+|\{[a-z_]+(?::[0-9a-z]+)?\}")
HALF_WIDTH = re.compile(rf"[{HAN}]:(?!//)|[{HAN}]\.(?=\s|$)")
PAGES_PER_PERSON = 25


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the labelling attributes, outside script, style and any
    element marked ``lang`` other than Chinese or ``translate="no"`` (names, numbers, data typed by people)."""

    LABELS = ("title", "alt", "placeholder", "aria-label")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content skipped

    def _skipping(self) -> bool:
        return any(self._stack)

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        lang = (names.get("lang") or "").lower()
        skip = tag in ("script", "style", "code", "pre", "textarea", "select") or names.get("translate") == "no" or (
            bool(lang) and not lang.startswith("zh"))
        if tag == "img" and "/admin/img/icon-" in (names.get("src") or ""):
            names.pop("alt", None)  # the admin's yes/no icons: Django writes True/False there, the icon speaks
        if not self._skipping() and not skip:
            self.parts += [names[a] for a in self.LABELS if names.get(a)]
            if tag == "input" and names.get("type") in ("submit", "button") and names.get("value"):
                self.parts.append(names["value"])
        if tag not in self.VOID:
            self._stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def leaks(html: str, data: frozenset[str] = frozenset()) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.parts:
        text = ADDRESS.sub(" ", text)
        found |= {w for w in WORD.findall(text) if not (w in ALLOWED or w in data or w.upper() in FORMATS or DIGEST.fullmatch(w))}
        found |= {m.group(0) for m in HALF_WIDTH.finditer(text)}
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("zh-media")):
        from django.db import transaction

        with transaction.atomic():
            from gongkai.factories import reseed_if_flushed

            reseed_if_flushed()
            call_command("load_demo", if_empty=True, items=30, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def data_words() -> frozenset[str]:
    """Values people typed into the demo (user names, category codes) that pages show as they are."""
    from axes.models import AccessLog

    from gongkai.accounts.models import User
    from gongkai.catalogue.models import Category

    agents = {w for agent in AccessLog.objects.values_list("user_agent", flat=True) for w in re.findall(r"[A-Za-z]+", agent)}
    return frozenset(User.objects.values_list("username", flat=True)) | frozenset(
        Category.objects.values_list("code", flat=True)) | frozenset(agents)


def walk(client, starts, prefixes, limit) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    data = data_words()

    def check(url, response):
        words = leaks(response.content.decode("utf-8", "replace"), data)
        if words:
            found[url] = words

    pages = crawl_pages(client, starts, prefixes, limit, check=check)
    assert len(pages) >= min(5, limit), pages
    return found


def chinese_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_public_pages_speak_chinese(demo):
    client = chinese_client()
    organ = Organ.objects.filter(parent__isnull=False, is_active=True).order_by("path").first()
    item = Item.objects.published().select_related("organ").order_by("-pk").first()
    report = AnnualReport.objects.filter(status="published").select_related("organ").first()
    result = application_services.submit_application(organ=organ, channel="web", data=person_data())
    client.post("/apply/case/", {"tracking_number": result.application.tracking_number, "secret": result.secret})
    starts = [
        "/", f"/{organ.slug}/", f"/{organ.slug}/guide/", f"/{organ.slug}/catalogue/", "/search/?q=公开",
        f"/{organ.slug}/rules/", f"/{organ.slug}/statutory/", f"/{organ.slug}/on-application/",
        f"/{organ.slug}/organisation/", f"/{organ.slug}/leaders/",
        f"/{item.organ.slug}/items/{item.pk}/", "/apply/", f"/apply/{organ.slug}/", "/apply/case/",
        f"/apply/case/{result.application.tracking_number}/", "/annual-reports/", "/annual-reports/check/",
        f"/annual-reports/{report.organ.slug}/{report.year}/", "/accounts/login/", "/no-such-page/",
        f"/{organ.slug}/statistics/", "/statistics/", f"/apply/case/{result.application.tracking_number}/receipt/",
        "/apply/account/login/", "/apply/account/register/",
    ]
    assert walk(client, starts, ("/",), 70) == {}


def test_the_applicant_account_pages_speak_chinese(demo):
    from gongkai.accounts.models import User

    account = User.objects.create_user(username="zh-applicant@example.com", email="zh-applicant@example.com",
                                       full_name="王五", is_applicant=True)
    organ = Organ.objects.filter(parent__isnull=False, is_active=True).order_by("path").first()
    application_services.submit_application(organ=organ, channel="web", data=person_data(), user=account)
    client = chinese_client()
    client.force_login(account)
    assert walk(client, ["/apply/account/", "/apply/", "/apply/case/"], ("/apply/",), 12) == {}


def people() -> dict[str, object]:
    found = {}
    government = Organ.objects.filter(parent__isnull=True).first()
    for membership in Membership.objects.select_related("user", "organ").order_by("organ__path"):
        label = "supervising_office" if membership.organ == government and membership.role == Role.DISCLOSURE_OFFICE else membership.role
        found.setdefault(label, membership.user)
    return found


@pytest.mark.parametrize("label", [*Role.values, "supervising_office"])
def test_workspace_pages_speak_chinese(demo, label):
    client = chinese_client()
    user = people()[label]
    assert client.login(username=user.username, password=PASSWORD)
    starts = ["/workspace/", "/workspace/column/"] if label in (Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN) else ["/workspace/"]
    assert walk(client, starts, ("/workspace/",), PAGES_PER_PERSON) == {}


def test_admin_pages_speak_chinese(demo):
    client = chinese_client()
    assert client.login(username="admin", password=PASSWORD)
    assert walk(client, ["/admin/"], ("/admin/",), 80) == {}


def test_the_reader_finds_each_kind_of_leak():
    html = ('<p>审核 status: draft</p><p title="R1">规则</p><script>var x = 1</script><span lang="en">English</span>'
            '<p>名称:值</p><p>完成.</p><p>下载 PDF 文件 https://example.org/a 与 a@b.cn</p><p translate="no">Zhang</p>')
    assert leaks(html) == {"status", "draft", "R1", "称:", "成."}
