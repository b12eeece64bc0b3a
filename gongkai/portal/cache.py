"""Cached public pages (公开页面缓存).

Anonymous visitors get rendered pages from the cache. Each page is stored
with the version numbers of what it shows; a version is bumped when that may
have changed:

* ``organ:<id>`` and ``column:<slug>`` — an item of that organ or of an organ
  below it changed (so a government's portal column is refreshed too); pages
  use the slug form, found without a look-up;
* ``item:<id>`` — that item, or a document it interprets or that interprets
  it, changed (item pages: invalidated explicitly, so cached long);
* ``items`` — any item changed (portal-wide feeds, sitemap);
* ``conf`` — organs, topics or categories changed (every page).

Two tiers. The shared cache (Redis in production) holds every page under its
path with the versions it was rendered under; one round trip fetches the page
and the current versions together, and a page whose versions moved on is
rendered again. Each web process also keeps the pages it served last in memory
(``PORTAL_LOCAL_CACHE_BYTES``), valid while ``conf`` and ``items`` — bumped by
every change anywhere — stay as they were; the process re-reads those two at
most every ``LOCAL_CHECK_SECONDS``, so a hit there costs no round trip and
another process's publish shows within that second (this process's own at
once). Versions live in the shared cache, so every web process sees a bump;
with the default in-process cache, one process only: see docs/portal.md.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

PREFIX = "portal:v:"


def organ_key(organ_id: int) -> str:
    return f"organ:{organ_id}"


def column_key(slug: str) -> str:
    return f"column:{slug}"


def item_key(item_id: int) -> str:
    return f"item:{item_id}"


# Item pages are invalidated explicitly (item_public_changed), so they can stay long.
ITEM_PAGE_SECONDS = 7 * 24 * 3600


# Versions read while a request is served are kept for the rest of it: a page
# asks for ``conf`` up to five times (organ, filters, counts, fragments), and a
# version that moves while one page is rendered changes nothing the next
# request will not see. Outside a request (tasks, commands) nothing is kept.
_request = threading.local()


def start_request(**kwargs) -> None:
    _request.versions = {}


def end_request(**kwargs) -> None:
    _request.versions = None


def _memo() -> dict | None:
    return getattr(_request, "versions", None)


def _current(keys: list[str], found: dict) -> list:
    """The values of version keys, giving a missing one (never set, evicted,
    cleared) a new value never used before, so that it can never read as an
    old version again and revive pages stored under it."""
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, time.time_ns(), None)
    if missing:
        found.update(cache.get_many(missing))
    values = [found.get(key, 0) for key in keys]
    memo = _memo()
    if memo is not None:
        memo.update(zip(keys, values, strict=True))
    return values


def _fetch(keys: list[str], extra: tuple = ()) -> dict:
    """One round trip for the version keys this request has not read yet
    (and for ``extra`` keys, read every time)."""
    memo = _memo() or {}
    wanted = [*extra, *(key for key in keys if key not in memo)]
    found = cache.get_many(wanted) if wanted else {}
    return {**{key: memo[key] for key in keys if key in memo}, **found}


def versions(names: list[str]) -> str:
    keys = [PREFIX + name for name in names]
    return ".".join(str(v) for v in _current(keys, _fetch(keys)))


def bump(*names: str) -> None:
    for name in names:
        key = PREFIX + name
        try:
            cache.incr(key)
        except ValueError:
            # Missing (never set, or evicted): a new value never used before.
            cache.set(key, time.time_ns(), None)
    if names:
        _local.forget()
        memo = _memo()
        if memo is not None:
            for name in names:
                memo.pop(PREFIX + name, None)


def organ_and_above(path: str) -> list[str]:
    """Version names of an organ (given its tree path) and every organ above it."""
    return [organ_key(int(part)) for part in path.strip(".").split(".") if part]


def page_key(request, vary: str = "") -> str:
    digest = hashlib.sha1(f"{request.get_full_path()}\n{vary}".encode()).hexdigest()
    return f"portal:page:{get_language()}:{request.get_host()}:{digest}"


class _LocalPages:
    """This process's most recently served pages, bounded in bytes, valid
    while the ``conf`` and ``items`` versions stay as they were."""

    LOCAL_CHECK_SECONDS = 1.0

    def __init__(self):
        self.lock = threading.Lock()
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.stamp = None
        self.checked = 0.0

    def forget(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0
            self.stamp = None
            self.checked = 0.0

    def _fresh(self) -> None:
        now = time.monotonic()
        if now - self.checked < self.LOCAL_CHECK_SECONDS:
            return
        keys = [PREFIX + "conf", PREFIX + "items"]
        # Read afresh, not from this request's memo: this is the once-a-second check.
        stamp = ".".join(str(v) for v in _current(keys, cache.get_many(keys)))
        with self.lock:
            if stamp != self.stamp:
                self.pages.clear()
                self.size = 0
                self.stamp = stamp
            self.checked = now

    def get(self, key: str):
        """(content, content type) of a page kept here, or None."""
        if not settings.PORTAL_LOCAL_CACHE_BYTES:
            return None
        self._fresh()
        with self.lock:
            hit = self.pages.get(key)
            if hit is None:
                return None
            if hit[2] < time.monotonic():  # kept no longer than in the shared cache
                del self.pages[key]
                self.size -= len(hit[0])
                return None
            self.pages.move_to_end(key)
            return hit

    def put(self, key: str, content: bytes, content_type: str, timeout: int) -> None:
        limit = settings.PORTAL_LOCAL_CACHE_BYTES
        value = (content, content_type, time.monotonic() + timeout)
        size = len(content)
        if not limit or size > limit // 8:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[0])
            self.pages[key] = value
            self.size += size
            while self.size > limit:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped[0])


_local = _LocalPages()


def forget_local() -> None:
    """Empty this process's page memory (tests, after clearing the cache)."""
    _local.forget()


# Pages carry forms with a CSRF token (the language switcher in base.html).
# The token is personal, so it is cut out before storing and a token of the
# visitor's own is put back on every hit (which also sets their CSRF cookie).
_CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"__gongkai_csrf_token__"


def _without_token(content: bytes) -> bytes:
    return _CSRF_FIELD.sub(rb"\g<1>" + _CSRF_PLACEHOLDER + rb"\g<2>", content)


def _with_token(request, content: bytes) -> bytes:
    if _CSRF_PLACEHOLDER not in content:
        return content
    return content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())


def _hit(request, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(_with_token(request, content), content_type=content_type)
    response["X-Page-Cache"] = "hit"
    return response


def cached_page(request, names: list[str], render, timeout: int | None = None, vary: str = ""):
    """Serve ``render()``'s response from the cache for anonymous GET
    requests; only successful responses are stored. ``vary``: anything else
    the page depends on (the search index generation)."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return render()
    timeout = timeout or settings.PUBLIC_PAGE_CACHE_SECONDS
    if request.method != "GET" or request.user.is_authenticated or not timeout:
        return render()
    key = page_key(request, vary)
    local = _local.get(key)
    if local is not None:
        return _hit(request, local[0], local[1])
    version_keys = [PREFIX + name for name in ("conf", *names)]
    found = _fetch(version_keys, extra=(key,))
    current = ".".join(str(v) for v in _current(version_keys, found))
    stored = found.get(key)
    if stored is not None and stored[0] == current:
        _local.put(key, stored[1], stored[2], timeout)
        return _hit(request, stored[1], stored[2])
    response = render()
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        entry = (current, _without_token(response.content), response["Content-Type"])
        cache.set(key, entry, timeout)
        _local.put(key, entry[1], entry[2], timeout)
        response["X-Page-Cache"] = "miss"
    return response
