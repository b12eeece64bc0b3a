"""How the apps are wired together: one beat schedule, receivers connected in AppConfig.ready."""

import ast
import weakref
from pathlib import Path

from django.conf import settings

PACKAGE = Path(__file__).resolve().parents[2]


def _code_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_the_beat_schedule_is_the_settings_one_and_nothing_adds_to_it():
    from gongkai.celery import app

    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    mentions = [
        path.relative_to(PACKAGE).as_posix()
        for path, tree in _code_files()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "beat_schedule"
    ]
    assert mentions == []


def test_every_beat_job_is_a_registered_task():
    from gongkai.celery import app

    app.loader.import_default_modules()
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(app.tasks)


def test_signal_receivers_are_connected_only_in_an_app_config_ready():
    """A module that connects a receiver when it is imported is connected only if something happens to import it."""
    outside = []
    for path, tree in _code_files():
        for node in ast.walk(tree):
            decorated = isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") == "receiver" for d in node.decorator_list
            )
            connects = (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                and any(k.arg == "dispatch_uid" for k in node.keywords)
            )
            if decorated or (connects and path.name != "apps.py"):
                outside.append(f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}")
    assert outside == []


def _receivers(signal):
    for entry in signal.receivers:
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None:
            yield receiver


def test_the_project_s_receivers_live_in_a_receivers_module():
    from axes.signals import user_locked_out
    from celery import signals as celery_signals
    from django.contrib.auth import signals as auth_signals
    from django.core import signals as core_signals
    from django.db.models import signals as model_signals

    from gongkai.applications.signals import applications_changed
    from gongkai.catalogue.signals import item_public_changed, items_imported
    from gongkai.core.tasks import enqueue_fell_back
    from gongkai.workdays.signals import calendar_changed

    signals = [
        core_signals.request_started, core_signals.request_finished, core_signals.got_request_exception,
        core_signals.setting_changed, model_signals.post_save, auth_signals.user_logged_in,
        auth_signals.user_logged_out, auth_signals.user_login_failed, user_locked_out, applications_changed,
        item_public_changed, items_imported, calendar_changed, enqueue_fell_back, celery_signals.before_task_publish,
        celery_signals.task_prerun, celery_signals.task_postrun, celery_signals.task_failure, celery_signals.task_retry,
    ]
    modules = {
        receiver.__module__
        for signal in signals
        for receiver in _receivers(signal)
        if getattr(receiver, "__module__", "").startswith("gongkai.")
    }
    # The public pages' cache keeps its request scope beside the cache it scopes.
    assert modules - {"gongkai.portal.cache"} == {
        "gongkai.accounts.receivers", "gongkai.applications.receivers", "gongkai.core.receivers",
        "gongkai.ops.receivers", "gongkai.portal.receivers", "gongkai.reports.receivers", "gongkai.search.receivers",
    }
