"""Background jobs and the request that queued them: the request id travels in
the message headers and is set again while the job runs, so the job's log lines
carry it; failed attempts are counted for the metrics."""

from __future__ import annotations

import logging

from celery import signals

from gongkai.ops import context, metrics

log = logging.getLogger(__name__)
HEADER = "gongkai_request_id"


def _on_publish(sender=None, headers=None, **kwargs):
    rid = context.request_id.get()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


def _on_start(sender=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    rid = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    if rid and context.valid_request_id(rid):
        task._gongkai_token = context.request_id.set(rid)


def _on_end(sender=None, task=None, **kwargs):
    token = getattr(task, "_gongkai_token", None)
    if token is not None:
        task._gongkai_token = None
        try:
            context.request_id.reset(token)
        except ValueError:  # set in another context (eager job inside a request): leave it
            pass


def _on_failure(sender=None, task_id=None, exception=None, **kwargs):
    eager = bool(getattr(getattr(sender, "request", None), "is_eager", False))
    name = getattr(sender, "name", "unknown")
    metrics.JOB_FAILURES.labels(task=name, mode="in-process" if eager else "celery").inc()
    log.error("job %s failed: %s", name, exception.__class__.__name__ if exception else "?", extra={"task_id": task_id})


def _on_retry(sender=None, request=None, reason=None, **kwargs):
    eager = bool(getattr(request, "is_eager", False))
    name = getattr(sender, "name", "unknown")
    metrics.JOB_FAILURES.labels(task=name, mode="in-process" if eager else "celery").inc()


def _on_fallback(sender=None, task="", **kwargs):
    metrics.JOB_QUEUE_FALLBACKS.labels(task=task).inc()


def connect_signals() -> None:
    from gongkai.core.tasks import enqueue_fell_back

    enqueue_fell_back.connect(_on_fallback, weak=False, dispatch_uid="gongkai.ops.fallback")
    signals.before_task_publish.connect(_on_publish, weak=False, dispatch_uid="gongkai.ops.publish")
    signals.task_prerun.connect(_on_start, weak=False, dispatch_uid="gongkai.ops.prerun")
    signals.task_postrun.connect(_on_end, weak=False, dispatch_uid="gongkai.ops.postrun")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="gongkai.ops.failure")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="gongkai.ops.retry")
