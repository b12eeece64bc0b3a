"""Request-level operations: the request id, timing, the access log line and
the metrics (``RequestContextMiddleware``), and the 503 page when the database
cannot be reached (``DatabaseUnavailableMiddleware``)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext

from gongkai.ops import context, metrics

access_log = logging.getLogger("gongkai.request")
log = logging.getLogger(__name__)


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or getattr(match, "_func_path", "") or "unnamed"


def _organ(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    for key in ("organ_slug", "slug", "organ"):
        value = match.kwargs.get(key)
        if isinstance(value, str) and len(value) <= 64:
            return value
    return ""


def _user_id(request) -> int | None:
    """The signed-in person's id when the request already loaded them (never loads the session here: the
    database may be the reason the request failed)."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestContextMiddleware:
    """Outermost: gives each request an id (the proxy's valid X-Request-ID, or a new one), returns it in the
    response header, times the request, writes one access log line and counts it for /metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = context.valid_request_id(request.headers.get(context.HEADER)) or context.new_request_id()
        request.request_id = rid
        context.request_id.set(rid)
        started = time.perf_counter()
        metrics.IN_FLIGHT.inc()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
        finally:
            metrics.IN_FLIGHT.dec()
            duration = time.perf_counter() - started
            route = _route(request)
            method = request.method if request.method in _METHODS else "other"  # a client's made-up verb adds no series
            metrics.REQUEST_LATENCY.labels(route=route, method=method, status=metrics.status_class(status)).observe(duration)
            user_id = _user_id(request)
            if getattr(settings, "LOG_REQUESTS", True):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    route,
                    status,
                    extra={
                        "route": route,
                        "method": request.method,
                        "status": status,
                        "duration_ms": round(duration * 1000, 1),
                        "user_id": user_id,
                        "organ": _organ(request),
                    },
                )
        response[context.HEADER] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Log lines written by the view carry its route and organ (and the person, once signed in)."""
        context.route.set(_route(request))
        context.organ.set(_organ(request))
        context.user_id.set(_user_id(request))
        return None


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


DATABASE_ERRORS = (OperationalError, InterfaceError)


def caused_by_database(error: BaseException | None) -> bool:
    """True when the error, or one it was raised while handling, is the database being unreachable
    (a failed session load surfaces as an AttributeError raised while handling the OperationalError)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _language(request) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def unavailable_response(request) -> HttpResponse:
    """The 503 answer, built without the database: JSON under /api/, else a page in the visitor's language."""
    with translation.override(_language(request)):
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": gettext("The service is temporarily unavailable. Please try again in a few minutes."), "code": "unavailable"},
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            html = render_to_string(
                "ops/503.html",
                {"LANGUAGE_CODE": translation.get_language(), "request_id": getattr(request, "request_id", "")},
            )
            response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Near the top: a request that fails because the database cannot be reached gets the 503 page, wherever the
    error was raised (a view, the session or the authentication middleware, the 500 page itself)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as error:
            if not caused_by_database(error):
                raise
            log.error("database unavailable", exc_info=True)
            return unavailable_response(request)
        # receivers.remember_database_error marks the request when the error was the database being unreachable.
        if response.status_code == 500 and getattr(request, "_gongkai_database_down", False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if caused_by_database(exception):
            log.error("database unavailable", exc_info=(type(exception), exception, exception.__traceback__))
            return unavailable_response(request)
        return None
