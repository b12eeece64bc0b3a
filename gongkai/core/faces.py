"""What every HTML face (portal, workspace, each subject's screens) does the same way.

Services raise ``DomainError`` (``NotAllowed`` for the wrong person); a view either lets the error
reach ``domain_errors`` — a refusal becomes a 403 page, any other rule becomes a message and a redirect
back — or, where a form is on the page, catches it and calls ``form_error`` so the message names the
field. Redirects to a ``next`` parameter or the Referer go through ``safe_next``, which accepts only a
path on this site (optionally under one prefix). The API's counterpart is the DRF exception handler
``gongkai.api.exceptions.handler``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from gongkai.core.errors import DomainError, NotAllowed


def safe_next(request: HttpRequest, default: str, *, prefix: str = "/", referer: bool = False) -> str:
    """The ``next`` of the request (POST, then GET; the Referer's path when ``referer``), if it is a
    path on this site under ``prefix``; otherwise ``default``."""
    candidates = [request.POST.get("next", ""), request.GET.get("next", "")]
    host = request.get_host()
    if referer:
        parts = urlsplit(request.META.get("HTTP_REFERER", ""))
        # The Referer is a full address: it counts only when it names this very site.
        if parts.netloc == host:
            candidates.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    for target in candidates:
        if (
            target.startswith("/")
            and target.startswith(prefix)
            and not target.startswith("//")
            and "\\" not in target
            and url_has_allowed_host_and_scheme(target, allowed_hosts={host}, require_https=request.is_secure())
        ):
            return target
    return default


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Raise a 403 for a refusal; put any other domain error up as a message."""
    if isinstance(error, NotAllowed):
        raise PermissionDenied(str(error.message))
    messages.error(request, str(error.message))


def form_error(form: Any, error: DomainError) -> None:
    """Show a domain error on the form, on its field when the service named one the form has."""
    if isinstance(error, NotAllowed):
        raise PermissionDenied(str(error.message))
    field = error.field if error.field in getattr(form, "fields", {}) else None
    form.add_error(field, str(error.message))


def domain_errors(default: str | Callable[[HttpRequest], str], *, prefix: str = "/") -> Callable:
    """Decorate a view: ``NotAllowed`` → 403; any other ``DomainError`` → its message and a redirect
    to a safe ``next``/Referer under ``prefix``, else to ``default`` (a path, or a function of the request)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                refuse(request, error)
                fallback = default(request) if callable(default) else default
                return redirect(safe_next(request, fallback, prefix=prefix, referer=True))

        return wrapper

    return decorate
