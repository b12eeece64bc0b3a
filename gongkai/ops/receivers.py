"""What operations does when something happens (connected in OpsConfig.ready).

Requests: the request id is forgotten once the response is finished; an error caused by the database being
unreachable is remembered on the request, so the middleware answers with the 503 page.

Background jobs and the request that queued them: the request id travels in
the message headers and is set again while the job runs, so the job's log lines
carry it; failed attempts are counted for the metrics."""

from __future__ import annotations

import logging
import sys

from gongkai.ops import context, metrics
from gongkai.ops.middleware import caused_by_database

log = logging.getLogger(__name__)
HEADER = "gongkai_request_id"


def forget_request_id(sender, **kwargs):
    """The id stays set until the response is finished, so Django's own lines about the request (its 4xx/5xx
    warnings, written after the middleware returned) carry it too."""
    context.request_id.set("")
    context.route.set("")
    context.organ.set("")
    context.user_id.set(None)


def remember_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and caused_by_database(error):
        request._gongkai_database_down = True


def on_publish(sender=None, headers=None, **kwargs):
    rid = context.request_id.get()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


def on_start(sender=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    rid = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if rid and context.valid_request_id(rid):
        task._gongkai_token = context.request_id.set(rid)


def on_end(sender=None, task=None, **kwargs):
    token = getattr(task, "_gongkai_token", None)
    if token is not None:
        task._gongkai_token = None
        try:
            context.request_id.reset(token)
        except ValueError:  # set in another context (eager job inside a request): leave it
            pass


def on_failure(sender=None, task_id=None, exception=None, **kwargs):
    eager = bool(getattr(getattr(sender, "request", None), "is_eager", False))
    name = getattr(sender, "name", "unknown")
    metrics.JOB_FAILURES.labels(task=name, mode="in-process" if eager else "celery").inc()
    log.error("job %s failed: %s", name, exception.__class__.__name__ if exception else "?", extra={"task_id": task_id})


def on_retry(sender=None, request=None, reason=None, **kwargs):
    eager = bool(getattr(request, "is_eager", False))
    name = getattr(sender, "name", "unknown")
    metrics.JOB_FAILURES.labels(task=name, mode="in-process" if eager else "celery").inc()


def on_fallback(sender=None, task="", **kwargs):
    metrics.JOB_QUEUE_FALLBACKS.labels(task=task).inc()

