"""Queueing background work. Jobs take primary keys and are queued only once the
transaction that made their data has committed. With no broker configured
(CELERY_TASK_ALWAYS_EAGER) Celery runs them in-process, so SQLite needs no server.
When the broker cannot be reached, the job runs in-process at once instead of
being lost (and the request that committed the data does not fail)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal
from kombu.exceptions import OperationalError as BrokerError

log = logging.getLogger(__name__)

# Sent with ``task`` (its name) when the broker refused a job and it ran in-process instead.
enqueue_fell_back = Signal()


def enqueue(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: _send(task, args, kwargs))


def _send(task, args, kwargs) -> None:
    try:
        task.delay(*args, **kwargs)
    except (BrokerError, ConnectionError, OSError):
        log.error("broker unavailable: job %s runs in this process instead", task.name, exc_info=True)
        enqueue_fell_back.send(sender=None, task=task.name)
        task.apply(args=args, kwargs=kwargs)
