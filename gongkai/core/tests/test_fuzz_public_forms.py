"""Hypothesis fuzzing of every public form and public query: any text, any
bytes, any choice — valid or not — gives a page, a refusal or a redirect,
never a server error. Bounded (a few dozen examples per form)."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.applications import services as applications
from gongkai.applications.tests.factories import VALID_ID, person_data
from gongkai.catalogue.tests.factories import ItemFactory
from gongkai.factories import OrganFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 25
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = st.sampled_from([
    "", " ", "'", '"', "<script>alert(1)</script>", "%", "%00", "\x00", "a\x00b", "\x1b[31m", "１２３", "²", "١٢",
    "99999999999999999999", "-1", "0", "1e9", "\u202eabc", "../../etc/passwd", "null", "[]", "{}", "NaN", "\ufeff",
    "😀" * 50, "政府" * 200, VALID_ID, "2024", "relevance", "date", "in_force",
])
TEXT = st.one_of(NASTY, st.text(max_size=40), st.text(max_size=400))
MANY = st.dictionaries(st.sampled_from(["q", "organ", "topic", "category", "year", "validity", "order", "page",
                                        "kind", "per_page", "format", "scope", "next"]), TEXT, max_size=8)


def _ok(response, what):
    assert response.status_code < 500, (what, response.status_code)


@pytest.fixture
def organ(db):
    organ = OrganFactory()
    ItemFactory(organ=organ, title="关于开展安全生产大检查的通知")
    return organ


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or "x", data, content_type="application/octet-stream")


UPLOAD = st.builds(
    _upload,
    st.one_of(st.binary(max_size=2000), st.just(b"PK\x03\x04" + b"\x00" * 60), st.just(b"%PDF-1.4\n%%EOF")),
    st.one_of(st.sampled_from(["身份证.jpg", "a.pdf", "report.docx", "x.html", "../../x.exe", ".htaccess"]), st.text(max_size=30)),
)


@FUZZ
@given(fields=st.fixed_dictionaries({
    "applicant_type": st.one_of(st.sampled_from(["natural_person", "legal_person", "other"]), TEXT),
    "applicant_name": TEXT, "id_type": st.one_of(st.just("resident_id"), TEXT),
    "id_number": st.one_of(st.just(VALID_ID), TEXT), "contact_person": TEXT, "phone": TEXT, "email": TEXT,
    "address": TEXT, "postcode": TEXT, "subject": TEXT, "document_number": TEXT, "description": TEXT, "purpose": TEXT,
    "form_wanted": st.one_of(st.sampled_from(["electronic", "paper"]), TEXT),
    "delivery_method": st.one_of(st.sampled_from(["email", "post", "pickup"]), TEXT),
    "form_token": st.one_of(st.builds(lambda: secrets.token_urlsafe(24)), TEXT),
}), files=st.lists(UPLOAD, max_size=2))
def test_the_apply_form(client, organ, fields, files):
    data = dict(fields)
    if files:
        data["attachments"] = files
    _ok(client.post(f"/apply/{organ.slug}/", data), "apply")


@FUZZ
@given(number=TEXT, secret=TEXT)
def test_the_case_lookup(client, organ, number, secret):
    _ok(client.post("/apply/case/", {"tracking_number": number, "secret": secret}), "case login")
    _ok(client.get(f"/apply/case/{quote(number, safe='')}/"), "case page")
    _ok(client.get(f"/apply/{quote(number, safe='')}/done/{quote(secret, safe='')}/"), "done page")


@FUZZ
@given(text=TEXT, files=st.lists(UPLOAD, max_size=1))
def test_the_applicants_case_forms(client, organ, text, files):
    result = applications.submit_application(organ=organ, channel="web", data=person_data(), form_token=None, user=None)
    number = result.application.tracking_number
    assert client.post("/apply/case/", {"tracking_number": number, "secret": result.secret}).status_code == 302
    data = {"text": text}
    if files:
        data["attachments"] = files
    _ok(client.post(f"/apply/case/{number}/correct/", data), "correction")
    _ok(client.get(f"/apply/case/{number}/letters/1/{quote(text, safe='')}/"), "letter")
    _ok(client.post(f"/apply/case/{number}/withdraw/", {"reason": text}), "withdraw")


@FUZZ
@given(params=MANY)
def test_search_and_catalogue_queries(client, organ, params):
    for path in ("/search/", f"/{organ.slug}/search/", f"/{organ.slug}/catalogue/", "/annual-reports/", "/apply/",
                 f"/{organ.slug}/", "/", "/feed/rss/", "/api/search/", "/api/items/"):
        _ok(client.get(path, params), path)


@FUZZ
@given(html=TEXT, files=st.lists(UPLOAD, max_size=1))
def test_the_annual_report_check(client, html, files):
    data = {"html": html}
    if files:
        data["file"] = files[0]
    _ok(client.post("/annual-reports/check/", data), "annual report check")


@FUZZ
@given(slug=TEXT, year=TEXT, fmt=TEXT)
def test_annual_report_addresses(client, slug, year, fmt):
    _ok(client.get(f"/annual-reports/{quote(slug, safe='')}/{quote(year, safe='')}/"), "report")
    _ok(client.get(f"/annual-reports/x/2024/report.{quote(fmt, safe='')}"), "download")


@FUZZ
@given(username=TEXT, password=TEXT, language=TEXT, next_url=TEXT)
def test_sign_in_and_language_forms(client, username, password, language, next_url):
    _ok(client.post("/accounts/login/", {"username": username, "password": password, "next": next_url}), "login")
    _ok(client.post("/i18n/setlang/", {"language": language, "next": next_url}), "set language")
