"""Redis down: the site keeps serving from the database. A Redis server of the
test's own (not the shared one) is started, used, then stopped mid-run; the
cache misses, sessions (cached_db) are read from the database, and the broker's
jobs run in-process instead of being lost — no 500 anywhere."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application
from gongkai.applications.tests.factories import person_data
from gongkai.catalogue.tests.factories import Office

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server program"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    if server.poll() is None:
        server.terminate()
        server.wait(5)


@pytest.fixture
def redis_cache(settings, own_redis):
    server, url = own_redis
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 1},
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return server


def stop(server):
    server.terminate()
    server.wait(5)


def test_with_redis_stopped_pages_sessions_and_submissions_still_work(redis_cache):
    from django.core.cache import cache

    office = Office()
    item = office.published(title="饮用水源保护区划定方案")
    staff = Client()
    assert staff.post(reverse("accounts:login"), {"username": office.clerk.username, "password": "x"}).status_code == 200  # the form again
    staff.force_login(office.clerk)
    visitor = Client()
    pages = ["/", f"/{office.organ.slug}/", f"/{office.organ.slug}/items/{item.pk}/", "/search/?q=饮用水源", "/api/items/"]
    for url in pages:
        assert visitor.get(url).status_code == 200, url
    assert staff.get("/workspace/").status_code == 200
    cache.set("probe", 1)
    assert cache.get("probe") == 1  # the cache really was Redis

    stop(redis_cache)

    assert cache.get("probe") is None  # a miss, not an error
    for url in pages:
        response = visitor.get(url)
        assert response.status_code == 200, url
    # The staff session was written to the database too: still signed in.
    assert staff.get("/workspace/").status_code == 200
    # A new sign-in works without the cache.
    again = Client()
    assert again.get(reverse("accounts:login")).status_code == 200
    # The public form: stored, with its receipt.
    form = reverse("applications_public:form", args=[office.organ.slug])
    data = person_data(subject="Redis停止时提交的申请")
    data["form_token"] = "redis-down-form-token-0001"
    response = visitor.post(form, data)
    assert response.status_code == 302
    assert Application.objects.filter(subject="Redis停止时提交的申请").count() == 1
    assert visitor.get(response["Location"]).status_code == 200


def test_with_the_broker_unreachable_a_job_runs_in_process_instead_of_failing_the_request(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    from gongkai.celery import app
    from gongkai.notify.models import Notification
    from gongkai.ops import metrics

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    office = Office()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", settings.CELERY_BROKER_URL)  # Celery reads the variable before its conf
    keys = ("task_always_eager", "broker_url", "broker_connection_retry", "broker_connection_max_retries",
            "broker_transport_options", "task_publish_retry")
    previous = {key: app.conf[key] for key in keys}
    # The connection and producer pools are made for the broker URL of their time: new ones for the unreachable one.
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    app.conf.broker_transport_options = {"max_retries": 0}
    app.conf.task_publish_retry = False
    try:
        before = metrics.JOB_QUEUE_FALLBACKS.labels(task="gongkai.notify.tasks.send_notification")._value.get()
        form = reverse("applications_public:form", args=[office.organ.slug])
        data = person_data(subject="代理不可用时提交的申请")
        data["form_token"] = "broker-down-form-token-0001"
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(form, data)
        assert response.status_code == 302
        after = metrics.JOB_QUEUE_FALLBACKS.labels(task="gongkai.notify.tasks.send_notification")._value.get()
        assert after > before
        assert Notification.objects.filter(status="sent").exists()
    finally:
        for key, value in previous.items():
            app.conf[key] = value
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
