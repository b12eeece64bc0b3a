"""Rate limits per client address: one mechanism for the public forms, the case lookup, search and the API.

A limit is named in ``settings.RATE_LIMITS`` ("10/h", "5/15min", "off"). Hits are counted in fixed windows in
the default cache (Redis when configured, else the process's memory), so they work wherever the cache does.
A refused request answers 429 with a ``Retry-After`` header: a page in the site's layout saying when to try
again, or, for a form that can show its own errors, the form again with everything typed still in it.

The client address follows one rule everywhere (``client_ip``): with ``NUM_PROXIES`` reverse proxies in front,
the address the nearest trusted proxy saw, taken from X-Forwarded-For; otherwise REMOTE_ADDR.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongkai.core import visitor
from gongkai.env import Rate, parse_rate


@dataclass(frozen=True)
class Limited:
    """A refusal: which limit, and how many seconds until its window ends."""

    name: str
    retry_after: int

    def retry_at(self):
        return timezone.localtime() + timedelta(seconds=self.retry_after)


def rate_for(name: str) -> Rate | None:
    limits = getattr(settings, "RATE_LIMITS", {})
    if name not in limits:
        raise ImproperlyConfigured(f"no rate limit named {name!r} in settings.RATE_LIMITS")
    return parse_rate(limits[name], f"RATE_LIMITS[{name!r}]")


def client_ip(request) -> str:
    """The visitor's address by the platform's one rule for proxies (``core.visitor.client_ip``); "unknown" when none."""
    return visitor.client_ip(request) or "unknown"


def _window(name: str, key: str, rate: Rate) -> tuple[str, int]:
    now = int(time.time())
    start = now - now % rate.seconds
    return f"ratelimit:{name}:{key}:{start}", start + rate.seconds - now


def _count(cache_key: str, seconds: int) -> int:
    """This request's number in the window; 0 when the cache does not answer (Redis down: nothing is
    counted, so nobody is refused for the outage)."""
    cache.add(cache_key, 0, seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, seconds + 1)
        return 1
    return count if isinstance(count, int) else 0


def hit(request, name: str, *, key: str | None = None) -> Limited | None:
    """Count one request against limit ``name``; a Limited when it is over the limit (the request must be
    refused), else None. ``key`` defaults to the client address."""
    rate = rate_for(name)
    if rate is None:
        return None
    cache_key, remaining = _window(name, key or client_ip(request), rate)
    if _count(cache_key, remaining) > rate.count:
        return Limited(name, max(remaining, 1))
    return None


def check(request, name: str, *, key: str | None = None) -> Limited | None:
    """Whether limit ``name`` is already used up, without counting this request (for limits that count only
    failures, such as wrong secrets: ``check`` first, ``hit`` on each failure)."""
    rate = rate_for(name)
    if rate is None:
        return None
    cache_key, remaining = _window(name, key or client_ip(request), rate)
    if (cache.get(cache_key) or 0) >= rate.count:
        return Limited(name, max(remaining, 1))
    return None


def wait_text(limited: Limited) -> str:
    """'Please try again after 14:05 (in 12 minutes).' in the interface language."""
    minutes = max(1, -(-limited.retry_after // 60))
    when = formats.time_format(limited.retry_at(), "H:i")
    return ngettext(
        "Please try again after %(time)s (in %(minutes)d minute).",
        "Please try again after %(time)s (in %(minutes)d minutes).",
        minutes,
    ) % {"time": when, "minutes": minutes}


def form_message(limited: Limited) -> str:
    """The error a re-rendered form shows: nothing was saved, the typed text is still there."""
    return _(
        "Too many requests from your address. Nothing was sent; what you typed is still in the form below "
        "(files must be chosen again). %(wait)s"
    ) % {"wait": wait_text(limited)}


def mark(response, limited: Limited):
    """Turn a response into the refusal: status 429 and Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    return response


def refused(request, limited: Limited):
    """The 429 page in the site's layout."""
    return mark(render(request, "429.html", {"wait": wait_text(limited), "limited": limited}), limited)


def rate_limited(name: str, *, methods: tuple[str, ...] = ("GET", "HEAD", "POST")):
    """Decorator for a view whose every request (of ``methods``) counts against limit ``name``."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                limited = hit(request, name)
                if limited is not None:
                    return refused(request, limited)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
