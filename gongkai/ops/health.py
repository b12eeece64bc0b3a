"""Liveness and readiness for the load balancer and the orchestrator.

``/healthz`` says the process answers (no dependency is touched), ``/readyz``
that it can serve: the database, the cache, the broker when one is configured,
and the search index. Both are anonymous, never cached, and name no host,
password or error text (the detail goes to the log)."""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


def _database():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    from django.core.cache import cache

    key = f"ops:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)


def _broker():
    from gongkai.celery import app

    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


def _search():
    from gongkai.search import index as ix

    if not ix.index_dir().exists():
        raise RuntimeError("search index folder missing")
    ix.searcher().num_docs  # noqa: B018 (opening a searcher reads the index)


def checks() -> dict:
    found = {"database": _database, "cache": _cache, "search": _search}
    if getattr(settings, "CELERY_BROKER_URL", None):
        found["broker"] = _broker
    return found


def run_checks() -> tuple[bool, dict]:
    results = {}
    ready = True
    for name, check in checks().items():
        started = time.perf_counter()
        try:
            check()
            status = "ok"
        except Exception:
            log.warning("readiness check %s failed", name, exc_info=True)
            status = "fail"
            ready = False
        results[name] = {"status": status, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    return ready, results


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    ready, results = run_checks()
    return JsonResponse({"status": "ok" if ready else "fail", "checks": results}, status=200 if ready else 503)
