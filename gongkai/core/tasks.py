"""Queueing background work. Jobs take primary keys and are queued only once the
transaction that made their data has committed. With no broker configured
(CELERY_TASK_ALWAYS_EAGER) Celery runs them in-process, so SQLite needs no server."""

from __future__ import annotations

from django.db import transaction


def enqueue(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
