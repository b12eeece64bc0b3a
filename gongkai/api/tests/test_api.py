"""The REST API: public reads, the OA push and its refusals, the schema."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from gongkai.catalogue.models import Disclosure, Item, ItemState, WithholdingReason
from gongkai.catalogue.tests.factories import Office, category, docx_upload
from gongkai.core.models import AuditEvent
from gongkai.credentials.models import Credential, Purpose
from gongkai.factories import OrganFactory, member
from gongkai.organs.models import Role
from gongkai.signoff.models import Signoff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office():
    return Office()


@pytest.fixture
def api():
    return APIClient()


def keyed(organ, user):
    client, key = Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=organ, user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api, client


def push_data(**overrides):
    data = {
        "title": "关于印发《某市工业企业技术改造资金管理办法》的通知",
        "body": "<p>各有关单位：现印发给你们，请认真贯彻执行。</p><script>alert(1)</script>",
        "topic": "0101",
        "category": "GFXWJ",
        "document_number": "某工信发〔2026〕12号",
        "date_formed": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "keywords": "技术改造 资金",
    }
    data.update(overrides)
    return data


# --- Public reads -----------------------------------------------------------------------


def test_items_lists_only_published_proactive_items(api, office):
    published = office.published()
    office.draft(title="草稿")
    response = api.get("/api/items/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [published.pk]
    assert response.json()["results"][0]["index_number"] == published.index_number


def test_items_filter_by_organ_topic_category_year_validity(api, office):
    item = office.published()
    other = Office().published()
    year = timezone.localtime(item.published_at).year
    query = f"/api/items/?organ={item.organ.slug}&topic=0101&category={item.category.code}&year={year}&validity=in_force"
    assert [r["id"] for r in api.get(query).json()["results"]] == [item.pk]
    assert other.pk not in [r["id"] for r in api.get(query).json()["results"]]


def test_items_topic_filter_includes_child_topics(api, office):
    item = office.published()
    assert [r["id"] for r in api.get("/api/items/?topic=01").json()["results"]] == [item.pk]


@pytest.mark.parametrize(
    "query", ["year=abc", "year=99999", "validity=maybe", "organ=nowhere", "topic=zz", "category=nope", "topic=²", "category=١", "year=²"]
)
def test_items_bad_filters_are_400_with_the_field_named(api, query):
    response = api.get(f"/api/items/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_item_detail_shows_attachments_and_interpretations(api, office, django_capture_on_commit_callbacks):
    policy = office.draft(category=office_category("GFXWJ"))
    from gongkai.catalogue import services

    with django_capture_on_commit_callbacks(execute=True):  # the attachment's check job
        services.add_attachment(policy, by=office.clerk, uploaded=docx_upload())
    services.submit(policy, by=office.clerk)
    policy = services.publish(office.approve_all(policy), by=office.webadmin)
    reading = office.published(title="《办法》政策解读", category=office_category("ZCJD"), interprets=[policy], interpretation_kind="text")
    data = api.get(f"/api/items/{policy.pk}/").json()
    assert data["attachments"][0]["name"] == "附件.docx"
    assert [i["id"] for i in data["interpretations"]] == [reading.pk]
    assert [i["id"] for i in api.get(f"/api/items/{reading.pk}/").json()["interprets"]] == [policy.pk]


def office_category(code):
    from gongkai.catalogue.models import Category

    return Category.objects.get(code=code)


def test_item_detail_of_a_draft_is_404(api, office):
    assert api.get(f"/api/items/{office.draft().pk}/").status_code == 404


def test_item_detail_of_a_withheld_item_is_404(api, office):
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.WITHHELD).first()
    item = office.draft(disclosure=Disclosure.WITHHELD, withholding_reason=reason, withholding_note="涉及个人隐私")
    assert api.get(f"/api/items/{item.pk}/").status_code == 404


def test_organs_topics_categories_are_listed(api, office):
    assert office.organ.slug in [o["slug"] for o in api.get("/api/organs/").json()["results"]]
    assert "0101" in [t["code"] for t in api.get("/api/topics/").json()]
    assert "GFXWJ" in [c["code"] for c in api.get("/api/categories/").json()]


def test_search_finds_a_published_item_by_a_chinese_word(api, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = office.published(title="关于开展安全生产大检查的通知")
    response = api.get("/api/search/", {"q": "安全生产"})
    assert response.status_code == 200
    assert item.pk in [r["id"] for r in response.json()["results"]]


def test_search_without_a_query_is_400(api):
    assert api.get("/api/search/").status_code == 400


def test_anonymous_reads_are_throttled(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "2/min"}
    responses = [api.get("/api/categories/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2]["Content-Type"].startswith("application/json")
    assert "detail" in responses[2].json()
    assert 0 < int(responses[2]["Retry-After"]) <= 60


@pytest.mark.parametrize("path", ["/api/items/", "/api/organs/", "/api/topics/", "/api/categories/", "/api/search/?q=公开"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_may_not_write_to_read_endpoints(api, path, method):
    assert getattr(api, method)(path, {}).status_code == 405  # read-only endpoints: the method does not exist


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_item_cannot_be_changed_through_the_read_api(api, office, method):
    item = office.published()
    assert getattr(api, method)(f"/api/items/{item.pk}/", {"title": "改"}).status_code == 405
    item.refresh_from_db()
    assert item.title != "改"


def test_reading_a_pushed_item_without_a_key_is_refused(api, office):
    item = office.draft()
    assert api.get(f"/api/oa/items/{item.pk}/").status_code == 401


def test_reading_a_pushed_item_with_a_revoked_key_is_refused(office):
    api, client = keyed(office.organ, office.webadmin)
    item = office.draft()
    client.revoke(by=office.webadmin, reason="停用")
    assert api.get(f"/api/oa/items/{item.pk}/").status_code == 401


# --- The OA push ------------------------------------------------------------------------------


def test_push_creates_a_draft_through_the_services(office):
    api, client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(), format="json")
    assert response.status_code == 201, response.json()
    item = Item.objects.get(pk=response.json()["id"])
    assert item.state == ItemState.DRAFT and item.organ == office.organ
    assert "<script>" not in item.body
    assert AuditEvent.objects.filter(action="catalogue.drafted", target_id=str(item.pk)).exists()
    assert AuditEvent.objects.filter(action="api.pushed", target_id=str(item.pk), data__client=client.pk).exists()


def test_push_with_submit_goes_straight_into_review(office):
    api, _client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(submit=True), format="json")
    assert response.json()["state"] == ItemState.IN_REVIEW
    assert Signoff.objects.filter(subject_id=str(response.json()["id"])).exists()


def test_push_with_multipart_attachments(office):
    api, _client = keyed(office.organ, office.webadmin)
    data = {**push_data(), "attachments": [docx_upload(), docx_upload(name="附件2.docx")]}
    response = api.post("/api/oa/items/", data, format="multipart")
    assert response.status_code == 201, response.json()
    assert sorted(a["name"] for a in response.json()["attachments"]) == ["附件.docx", "附件2.docx"]


def test_push_with_base64_attachments(office):
    api, _client = keyed(office.organ, office.webadmin)
    content = base64.b64encode(docx_upload().read()).decode()
    response = api.post("/api/oa/items/", push_data(attachments_base64=[{"name": "附件.docx", "content": content}]), format="json")
    assert response.status_code == 201, response.json()
    assert Item.objects.get(pk=response.json()["id"]).attachments.get().kind == "docx"


def test_push_with_a_withholding_attribute_and_reason(office):
    api, _client = keyed(office.organ, office.webadmin)
    reason = WithholdingReason.objects.filter(applies_to=Disclosure.ON_REQUEST).first()
    data = push_data(disclosure=Disclosure.ON_REQUEST, withholding_reason=reason.pk, withholding_note="仅涉及特定企业")
    response = api.post("/api/oa/items/", data, format="json")
    assert response.status_code == 201
    assert Item.objects.get(pk=response.json()["id"]).disclosure == Disclosure.ON_REQUEST


def test_push_status_can_be_read_back_by_the_same_organ(office):
    api, _client = keyed(office.organ, office.webadmin)
    pk = api.post("/api/oa/items/", push_data(), format="json").json()["id"]
    assert api.get(f"/api/oa/items/{pk}/").json()["state"] == ItemState.DRAFT


# --- Refusals ------------------------------------------------------------------------------


def test_anonymous_push_is_refused(api, office):
    response = api.post("/api/oa/items/", push_data(), format="json")
    assert response.status_code == 401
    assert not Item.objects.exists()


def test_a_session_user_without_a_key_may_not_push(api, office):
    api.force_login(office.webadmin)
    assert api.post("/api/oa/items/", push_data(), format="json").status_code == 401


def test_a_bad_key_is_refused(api, office):
    api.credentials(HTTP_AUTHORIZATION="Token gk_not-a-real-key")
    assert api.post("/api/oa/items/", push_data(), format="json").status_code == 401


def test_a_revoked_key_is_refused(office):
    api, client = keyed(office.organ, office.webadmin)
    client.revoke(by=None, reason="OA 系统更换")
    assert api.post("/api/oa/items/", push_data(), format="json").status_code == 401
    assert AuditEvent.objects.filter(action="api.client_revoked").exists()


def test_push_to_another_organ_is_refused(office):
    api, _client = keyed(office.organ, office.webadmin)
    other = OrganFactory()
    response = api.post("/api/oa/items/", push_data(organ=other.slug), format="json")
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_a_key_acting_for_someone_without_a_drafting_role_is_refused(office):
    api, _client = keyed(office.organ, office.deputy)
    response = api.post("/api/oa/items/", push_data(), format="json")
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_a_key_whose_person_has_roles_only_elsewhere_is_refused(office):
    other = OrganFactory()
    outsider = member(other, Role.WEB_ADMIN)
    api, _client = keyed(office.organ, outsider)
    assert api.post("/api/oa/items/", push_data(), format="json").status_code == 403


def test_reading_another_organs_pushed_item_is_404(office):
    api, _client = keyed(office.organ, office.webadmin)
    foreign = Office().draft()
    assert api.get(f"/api/oa/items/{foreign.pk}/").status_code == 404


def test_bad_data_is_refused_with_translated_messages_per_field(office):
    api, _client = keyed(office.organ, office.webadmin)
    data = push_data(title="", date_formed="2026-13-40", validity="repealed")
    response = api.post("/api/oa/items/", data, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert {"title", "date_formed"} <= set(response.json())
    assert not Item.objects.exists()


def test_rule_violations_are_400_per_field(office):
    api, _client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(validity="repealed"), format="json")
    assert response.status_code == 400
    assert {"validity_changed_on", "validity_note"} <= set(response.json())


def test_withholding_without_a_reason_is_refused(office):
    api, _client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(disclosure=Disclosure.WITHHELD), format="json")
    assert response.status_code == 400
    assert "withholding_reason" in response.json()


def test_unknown_topic_is_refused(office):
    api, _client = keyed(office.organ, office.webadmin)
    assert "topic" in api.post("/api/oa/items/", push_data(topic="9999x"), format="json").json()


def test_an_unknown_topic_is_reported_with_the_other_field_errors(office):
    api, _client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(topic="9999x", disclosure=Disclosure.WITHHELD), format="json")
    assert response.status_code == 400
    assert {"topic", "withholding_reason", "withholding_note"} <= set(response.json())
    assert "9999x" in response.json()["topic"][0]


def test_push_of_an_interpretation_links_it_to_the_policy_by_index_number(office):
    policy = office.published(category=category("GFXWJ"))
    api, _client = keyed(office.organ, office.webadmin)
    data = push_data(category="ZCJD", interpretation_kind="graphic", interprets=[policy.index_number])
    response = api.post("/api/oa/items/", data, format="json")
    assert response.status_code == 201, response.json()
    interpretation = Item.objects.get(pk=response.json()["id"])
    assert list(interpretation.interprets.all()) == [policy]
    assert interpretation.interpretation_kind == "graphic"


def test_push_of_an_interpretation_in_multipart_takes_several_policies(office):
    first, second = office.published(category=category("GFXWJ")), office.published(category=category("GFXWJ"))
    api, _client = keyed(office.organ, office.webadmin)
    data = {**push_data(category="ZCJD", interpretation_kind="text"), "interprets": [str(first.pk), second.index_number]}
    response = api.post("/api/oa/items/", data, format="multipart")
    assert response.status_code == 201, response.json()
    assert set(Item.objects.get(pk=response.json()["id"]).interprets.all()) == {first, second}


def test_push_of_an_interpretation_without_its_form_is_refused(office):
    policy = office.published(category=category("GFXWJ"))
    api, _client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(category="ZCJD", interprets=[policy.pk]), format="json")
    assert response.status_code == 400 and "interpretation_kind" in response.json()


def test_push_of_an_interpretation_of_another_organs_policy_is_refused(office):
    elsewhere = Office().draft(category=category("GFXWJ"))
    api, _client = keyed(office.organ, office.webadmin)
    data = push_data(category="ZCJD", interpretation_kind="text", interprets=[elsewhere.pk])
    response = api.post("/api/oa/items/", data, format="json")
    assert response.status_code == 400 and "interprets" in response.json()
    assert not Item.objects.filter(organ=office.organ).exists()


def test_push_naming_an_unknown_policy_is_refused(office):
    api, _client = keyed(office.organ, office.webadmin)
    data = push_data(category="ZCJD", interpretation_kind="text", interprets=["NOPE/2026-00001"])
    response = api.post("/api/oa/items/", data, format="json")
    assert response.status_code == 400 and "NOPE/2026-00001" in response.json()["interprets"][0]
    assert not Item.objects.exists()


def test_an_oversized_attachment_is_refused_and_nothing_saved(office, settings):
    settings.UPLOAD_MAX_BYTES = 2048
    api, _client = keyed(office.organ, office.webadmin)
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * 5000)
    response = api.post("/api/oa/items/", {**push_data(), "attachments": [big]}, format="multipart")
    assert response.status_code == 400
    assert "attachments" in response.json()
    assert not Item.objects.exists()


def test_a_disguised_attachment_is_refused(office):
    api, _client = keyed(office.organ, office.webadmin)
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 this is an executable")
    response = api.post("/api/oa/items/", {**push_data(), "attachments": [fake]}, format="multipart")
    assert response.status_code == 400
    assert "attachments" in response.json()
    assert not Item.objects.exists()


def test_bad_base64_is_refused(office):
    api, _client = keyed(office.organ, office.webadmin)
    response = api.post("/api/oa/items/", push_data(attachments_base64=[{"name": "a.pdf", "content": "###"}]), format="json")
    assert response.status_code == 400 and "attachments_base64" in response.json()


# --- Schema --------------------------------------------------------------------------------


def test_the_schema_is_openapi_3(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/oa/items/" in schema["paths"]


def test_the_docs_page_uses_no_outside_resources(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/oa/items/" in html
    # Every script, style sheet, image and link is served by the platform itself (a CSRF token may hold any letters,
    # so the page's text is not searched for "cdn").
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', html)
    assert addresses and not [a for a in addresses if a.startswith(("http://", "https://", "//"))]


def test_calls_with_a_key_are_throttled_per_account(office, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_user": "1/min"}
    api, _client = keyed(office.organ, office.webadmin)
    item = office.draft()
    first, second = api.get(f"/api/oa/items/{item.pk}/"), api.get(f"/api/oa/items/{item.pk}/")
    assert first.status_code != 429
    assert second.status_code == 429 and "detail" in second.json() and int(second["Retry-After"]) <= 60
