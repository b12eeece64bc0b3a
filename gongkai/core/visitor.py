"""Who is asking: the visitor's address and browser, counted the same way everywhere (login lockout, the
case-page limits, the audit trail)."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str:
    """The visitor's address. Behind ``NUM_PROXIES`` reverse proxies (nginx …) REMOTE_ADDR is the proxy's, the same
    for everyone, so the address comes from X-Forwarded-For as the nearest trusted proxy saw it (as DRF counts it).
    A value that is not an IP address is ignored; "" when there is none at all."""
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-min(proxies, len(forwarded))]
            if _valid(address):
                return address
    address = request.META.get("REMOTE_ADDR", "")
    return address if _valid(address) else ""


def axes_client_ip(request) -> str | None:
    """client_ip() for django-axes, which stores None for an unknown address."""
    return client_ip(request) or None


def user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT") or "")[:300]
