"""Cached public pages (公开页面缓存).

Anonymous visitors get rendered pages from the cache. Each key carries
version numbers that are bumped when what the page shows may have changed:

* ``organ:<id>`` and ``column:<slug>`` — an item of that organ or of an organ
  below it changed (so a government's portal column is refreshed too); pages
  use the slug form, found without a look-up (one round trip for the
  versions, one for the page);
* ``item:<id>`` — that item, or a document it interprets or that interprets
  it, changed (item pages: invalidated explicitly, so cached long);
* ``items`` — any item changed (portal-wide feeds, sitemap);
* ``conf`` — organs, topics or categories changed (every page).

Bumping a version makes every key built with the old one unreachable; old
entries expire on their own. The versions live in the shared cache (Redis in
production), so every web process sees a bump at once. With the default
in-process cache, one process only: see docs/portal.md.
"""

from __future__ import annotations

import hashlib
import re
import time

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


def versions(names: list[str]) -> str:
    keys = [PREFIX + name for name in names]
    found = cache.get_many(keys)
    return ".".join(str(found.get(key, 0)) for key in keys)


def bump(*names: str) -> None:
    for name in names:
        key = PREFIX + name
        try:
            cache.incr(key)
        except ValueError:
            # Missing (never set, or evicted): a new value never used before.
            cache.set(key, time.time_ns(), None)


def organ_and_above(path: str) -> list[str]:
    """Version names of an organ (given its tree path) and every organ above it."""
    return [organ_key(int(part)) for part in path.strip(".").split(".") if part]


def page_key(request, names: list[str]) -> str:
    digest = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    return f"portal:page:{versions(['conf', *names])}:{get_language()}:{request.get_host()}:{digest}"


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


def cached_page(request, names: list[str], render, timeout: int | None = None):
    """Serve ``render()``'s response from the cache for anonymous GET
    requests; only successful responses are stored."""
    if not settings.PUBLIC_PAGE_CACHE_SECONDS:
        return render()
    timeout = timeout or settings.PUBLIC_PAGE_CACHE_SECONDS
    if request.method != "GET" or request.user.is_authenticated or not timeout:
        return render()
    key = page_key(request, names)
    hit = cache.get(key)
    if hit is not None:
        content, content_type = hit
        response = HttpResponse(_with_token(request, content), content_type=content_type)
        response["X-Page-Cache"] = "hit"
        return response
    response = render()
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        cache.set(key, (_without_token(response.content), response["Content-Type"]), timeout)
        response["X-Page-Cache"] = "miss"
    return response
