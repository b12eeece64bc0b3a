import json
import logging

import pytest
from django.db import OperationalError

from gongkai.ops import context
from gongkai.ops.logging import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readyz_reports_each_check_with_its_latency(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = None  # without a broker there is no broker check
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_INDEX_DIR.mkdir()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "search"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert check["latency_ms"] >= 0


def test_readyz_is_503_when_a_dependency_fails_and_names_no_secret(client, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_INDEX_DIR.mkdir()
    settings.CELERY_BROKER_URL = "redis://:s3cret-password@127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    assert "s3cret" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()


def test_readyz_fails_when_the_search_index_is_missing(client, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "absent"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["status"] == "fail"


def test_metrics_are_refused_to_other_addresses_and_without_the_token(client, settings):
    settings.METRICS_ALLOWED_IPS = []
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403
    settings.METRICS_TOKEN = "a-long-scrape-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer a-long-scrape-token").status_code == 200


def test_metrics_behind_a_proxy_count_the_forwarded_client_not_the_proxy(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.METRICS_TOKEN = ""
    settings.NUM_PROXIES = 1
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403


def test_metrics_show_latency_by_route_name_and_the_queues(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    client.get("/healthz")
    client.get("/no-such-page-at-all/x/y/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'gongkai_http_request_duration_seconds_count{method="GET",route="healthz",status="2xx"}' in text
    assert 'route="unmatched"' in text
    assert "/no-such-page" not in text
    assert "gongkai_http_requests_in_flight" in text
    assert "gongkai_notifications_pending 0.0" in text
    assert "gongkai_applications_overdue_total 0.0" in text
    assert "gongkai_audit_chain_head_id" in text
    assert "gongkai_fingerprint_mismatches 0.0" in text


def test_overdue_applications_are_counted_by_organ(client, settings):
    import datetime as dt

    from gongkai.applications.models import Application
    from gongkai.applications.tests.factories import received
    from gongkai.factories import GovernmentFactory

    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    organ = GovernmentFactory()
    received(organ, on=dt.date.today() - dt.timedelta(days=60))
    assert Application.objects.overdue().count() == 1
    text = client.get("/metrics").content.decode()
    assert "gongkai_applications_overdue_total 1.0" in text
    assert f'gongkai_applications_overdue{{organ="{organ.slug}"}} 1.0' in text


def test_a_failed_job_is_counted(client, settings):
    from celery import shared_task

    from gongkai.ops import metrics

    @shared_task(name="gongkai.ops.tests.always_fails")
    def always_fails():
        raise RuntimeError("boom")

    before = metrics.JOB_FAILURES.labels(task="gongkai.ops.tests.always_fails", mode="in-process")._value.get()
    always_fails.delay()
    after = metrics.JOB_FAILURES.labels(task="gongkai.ops.tests.always_fails", mode="in-process")._value.get()
    assert after == before + 1


def test_a_valid_request_id_is_kept_and_returned(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert response["X-Request-ID"] == "proxy-id-12345678"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='bad"\nid')
    assert response["X-Request-ID"] != 'bad"\nid'
    assert context.valid_request_id(response["X-Request-ID"])


def test_the_access_log_line_is_one_json_object_with_the_request_fields(client, caplog):
    with caplog.at_level(logging.INFO, logger="gongkai.request"):
        client.get("/healthz", HTTP_X_REQUEST_ID="trace-abcdef123")
    record = next(r for r in caplog.records if r.name == "gongkai.request")
    RequestContextFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "trace-abcdef123"
    assert entry["route"] == "healthz"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"
    assert entry["logger"] == "gongkai.request"
    assert isinstance(entry["duration_ms"], float)
    assert entry["time"].endswith("+00:00")


def test_log_lines_inside_a_request_carry_its_id_and_jobs_it_queues_see_it(client, caplog, monkeypatch):
    from gongkai.ops import health

    seen = {}

    def database():
        seen["rid"] = context.request_id.get()
        logging.getLogger("gongkai.test").warning("inside")

    monkeypatch.setattr(health, "_database", database)
    with caplog.at_level(logging.INFO):
        client.get("/readyz", HTTP_X_REQUEST_ID="trace-inside-0001")
    assert seen["rid"] == "trace-inside-0001"
    record = next(r for r in caplog.records if r.name == "gongkai.test")
    RequestContextFilter().filter(record)
    assert record.request_id == "trace-inside-0001"


def test_the_request_id_travels_in_a_job_message_header():
    from gongkai.ops import receivers

    token = context.request_id.set("trace-job-000001")
    try:
        headers = {}
        receivers.on_publish(headers=headers)
    finally:
        context.request_id.reset(token)
    assert headers == {receivers.HEADER: "trace-job-000001"}

    class Request:
        gongkai_request_id = "trace-job-000001"

    class Task:
        request = Request()

    task = Task()
    receivers.on_start(task=task)
    assert context.request_id.get() == "trace-job-000001"
    receivers.on_end(task=task)
    assert context.request_id.get() == ""


def _database_down(*args, **kwargs):
    raise OperationalError("connection to server at 10.0.0.5 failed: password authentication")


def test_database_down_gives_the_chinese_503_page_rendered_without_the_database(client, monkeypatch):
    from gongkai.portal import views

    monkeypatch.setattr(views, "home", _database_down, raising=False)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _database_down)
    response = client.get("/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "服务暂时不可用" in html
    assert "10.0.0.5" not in html and "password" not in html
    assert response["Retry-After"]


def test_database_down_is_an_english_503_page_for_an_english_visitor(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _database_down)
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


def test_database_down_under_the_api_is_json(client, monkeypatch):
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _database_down)
    response = client.get("/api/items/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "unavailable"


def test_database_down_while_loading_the_session_user_is_503(monkeypatch):
    from django.test import Client

    from gongkai.factories import UserFactory

    # The test client re-raises any exception a request logged; a real server only sends the answer.
    client = Client(raise_request_exception=False)
    user = UserFactory()
    client.force_login(user)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _database_down)
    response = client.get("/workspace/")
    assert response.status_code == 503


def test_a_made_up_method_is_counted_as_other(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    client.generic("BREW", "/healthz")
    text = client.get("/metrics").content.decode()
    assert "BREW" not in text
    assert 'method="other",route="healthz"' in text
