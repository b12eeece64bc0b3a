"""Prometheus metrics (prometheus_client).

Request latency, requests in flight and job failures are counted where they
happen. With several gunicorn workers each process counts its own; set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder shared by the web and worker
processes (emptied before they start) and ``/metrics`` adds them up
(prometheus_client's multiprocess mode). Queue lengths, overdue applications,
the audit trail's head and tampered files are read from the database and the
broker when ``/metrics`` is scraped, so every process answers the same."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily

log = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUEST_LATENCY = Histogram(
    "gongkai_http_request_duration_seconds",
    "Time to answer a request, by route name (not path) and status class.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
IN_FLIGHT = Gauge("gongkai_http_requests_in_flight", "Requests being answered now.", multiprocess_mode="livesum")
JOB_FAILURES = Counter(
    "gongkai_job_failures_total",
    "Background jobs that failed (an attempt that raised; a retried job counts each failed attempt).",
    ["task", "mode"],
)
JOB_QUEUE_FALLBACKS = Counter(
    "gongkai_job_queue_fallbacks_total",
    "Jobs that could not be handed to the broker and ran in the web process instead.",
    ["task"],
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


class StateCollector:
    """Figures read at scrape time from the database and the broker."""

    def collect(self):
        yield from _safe(_notifications)
        yield from _safe(_broker_queues)
        yield from _safe(_overdue)
        yield from _safe(_audit_head)
        yield from _safe(_tampered)


def _safe(producer):
    try:
        return list(producer())
    except Exception:  # a figure that cannot be read is left out, the others still answer
        log.warning("metrics: %s could not be read", producer.__name__, exc_info=True)
        return []


def _notifications():
    from gongkai.notify.models import PENDING_STATES, Notification

    family = GaugeMetricFamily("gongkai_notifications_pending", "Notifications waiting to be sent (queued or retrying).")
    family.add_metric([], Notification.objects.filter(status__in=PENDING_STATES).count())
    yield family


def _broker_queues():
    """Messages waiting in the broker's queues (Redis broker: list lengths); without a broker jobs run at once."""
    broker = getattr(settings, "CELERY_BROKER_URL", None)
    if not broker or not broker.startswith(("redis://", "rediss://")):
        return
    import redis

    from gongkai.celery import app

    queues = {app.conf.task_default_queue or "celery"}
    client = redis.Redis.from_url(broker, socket_timeout=1, socket_connect_timeout=1)
    try:
        family = GaugeMetricFamily("gongkai_jobs_pending", "Jobs waiting in the broker, by queue.", labels=["queue"])
        for queue in sorted(queues):
            family.add_metric([queue], client.llen(queue))
        yield family
    finally:
        client.close()


def _overdue():
    from django.db.models import Count

    from gongkai.applications.models import Application

    family = GaugeMetricFamily("gongkai_applications_overdue", "Running applications past their reply deadline, by organ.", labels=["organ"])
    total = 0
    for row in Application.objects.overdue().values("organ__slug").annotate(n=Count("id")).order_by("organ__slug"):
        family.add_metric([row["organ__slug"]], row["n"])
        total += row["n"]
    yield family
    whole = GaugeMetricFamily("gongkai_applications_overdue_total", "Running applications past their reply deadline.")
    whole.add_metric([], total)
    yield whole


# The audit chain's hash column, whichever of these names the audit trail uses.
_HASH_FIELDS = ("hash", "event_hash", "chain_hash", "digest")


def _audit_head():
    from gongkai.core.models import AuditEvent

    names = {field.name for field in AuditEvent._meta.get_fields()}
    hash_field = next((name for name in _HASH_FIELDS if name in names), None)
    head = AuditEvent.objects.order_by("-id").values("id", *([hash_field] if hash_field else [])).first()
    family = GaugeMetricFamily("gongkai_audit_chain_head_id", "Id of the newest audit event (the chain's head).")
    family.add_metric([], head["id"] if head else 0)
    yield family
    if head and hash_field:
        info = InfoMetricFamily("gongkai_audit_chain_head", "Hash of the newest audit event.")
        info.add_metric([], {"id": str(head["id"]), "hash": str(head[hash_field])})
        yield info


def _tampered():
    from gongkai.ops.models import FileFingerprint

    family = GaugeMetricFamily(
        "gongkai_fingerprint_mismatches", "Fingerprinted files found changed or missing by the last check (网页防篡改)."
    )
    family.add_metric([], FileFingerprint.objects.filter(state__in=FileFingerprint.BAD_STATES).count())
    yield family


def exposition() -> bytes:
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector())
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
        return generate_latest(counted) + generate_latest(state)
    return generate_latest(REGISTRY) + generate_latest(state)


def _client_ip(request) -> str:
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def allowed(request) -> bool:
    """A scraper may read the metrics with the bearer token (METRICS_TOKEN) or from an allowed network
    (METRICS_ALLOWED_IPS). With neither set — the production default — nobody may."""
    token = getattr(settings, "METRICS_TOKEN", "") or ""
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(_client_ip(request))
    except ValueError:
        return False
    for network in getattr(settings, "METRICS_ALLOWED_IPS", []) or []:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
def metrics_view(request):
    if not allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
