"""Project-wide test fixtures. Factories live in gongkai/factories.py (shared)
and in each app's tests/factories.py (its own models); an organ and the people who
handle a case in it, in gongkai/organs/tests/fixtures.py."""

from __future__ import annotations

import pytest
from django.conf import settings

pytest_plugins = ["gongkai.organs.tests.fixtures"]


def pytest_configure(config):
    """With Redis as the cache, each xdist worker gets a Redis database of
    its own: ``cache.clear()`` empties a whole database, so workers sharing
    one would wipe each other's page-cache entries and throttle counters."""
    import os

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = settings.CACHES["default"].get("LOCATION", "")
    if worker.startswith("gw") and str(location).startswith("redis://"):
        base = location.rsplit("/", 1)[0] if location.count("/") > 2 else location
        settings.CACHES["default"]["LOCATION"] = f"{base}/{10 + int(worker[2:])}"


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (row locks, real concurrency); set DATABASE_URL to run")
    kinds: dict[str, set[bool]] = {}
    for item in items:
        if "postgres" in item.keywords and not settings.IS_POSTGRES:
            item.add_marker(skip_pg)
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            kinds.setdefault(str(item.path), set()).add(bool(marker.kwargs.get("transaction")))
    # The suite runs with --dist loadfile: a file runs as a whole on one worker, so a
    # transactional test (whose flush empties the seeded data) among ordinary tests
    # would break every test after it there. Such tests go in files of their own.
    mixed = sorted(path for path, found in kinds.items() if found == {True, False})
    if mixed:
        raise pytest.UsageError("transactional and ordinary database tests in one file: " + ", ".join(mixed))


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads and the search index go to a per-test folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Background jobs run in-process in tests, except in the tests that start
    a real Celery worker against the configured broker."""
    from gongkai.celery import app

    eager = "celery_worker" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _second_factor(request, settings):
    """Tests sign people in with force_login, which has no authenticator to confirm; the second factor is enforced
    in the tests marked ``second_factor`` (gongkai/accounts/tests), which prove it."""
    settings.SECOND_FACTOR_ENFORCED = "second_factor" in request.keywords


@pytest.fixture(autouse=True)
def _interface_language():
    """Each test starts in the interface's language: a request that asked for English (the API follows
    Accept-Language) leaves it active in the thread, and a later test rendering outside a request would be English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    from gongkai.portal import cache as page_cache

    page_cache.forget_local()
    from gongkai.portal import selectors

    selectors.forget_local()
    from gongkai.workdays import calendar

    calendar._local.snapshot = None
    # A transactional test's flush can give content types new ids; ids cached by an earlier test would then
    # point nowhere (the audit trail stores the target's content type).
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield


@pytest.fixture
def browser():
    """Debian's chromium, headless, for the Playwright journeys (marked ``browser``)."""
    import os

    from gongkai.testing import CHROMIUM, CHROMIUM_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def file_checks_run_at_once(monkeypatch):
    """A new catalogue attachment is checked (virus scan, text reading) by a job queued after the commit, which a
    test's transaction never reaches; with this fixture the job runs at once, as it would have done before anyone
    reviews the item."""
    from gongkai.catalogue.services import attachments
    from gongkai.core import tasks

    monkeypatch.setattr(attachments, "enqueue", lambda task, *args, **kwargs: tasks._send(task, args, kwargs))


@pytest.fixture(autouse=True)
def _seeded_data(request):
    """The topics, categories and withholding reasons the migrations seed, for every ordinary database test. A
    transactional test ends by emptying every table; an ordinary test that runs after it on the same worker would
    find none, so they are seeded again inside that test's own transaction (rolled back with it)."""
    marker = request.node.get_closest_marker("django_db")
    wants_db = marker is not None or "db" in request.fixturenames
    if wants_db and not (marker is not None and marker.kwargs.get("transaction")):
        request.getfixturevalue("db")
        from gongkai.factories import reseed_if_flushed

        reseed_if_flushed()
    yield

