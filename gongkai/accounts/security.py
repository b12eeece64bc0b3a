"""The account rules every face relies on: who needs a second factor, the session's lifetime stamps, the audit
record of a sign-in event."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.functional import LazyObject, empty

from gongkai.core.audit import log_action
from gongkai.core.visitor import client_ip, user_agent

SESSION_LOGIN_AT = "_gk_login_at"
SESSION_SEEN_AT = "_gk_seen_at"
SESSION_ENROLLED = "_gk_enrolled"  # the person has an authenticator: asked for it even where it is optional
SEEN_RESOLUTION = 60  # seconds: the idle stamp is rewritten at most once a minute (one session write)


# Further reasons to require a second factor, added by the apps above this one in their AppConfig.ready
# (organs: the staff of an organ that requires it). Each takes a signed-in user and answers yes or no.
_SECOND_FACTOR_RULES: list[Callable[[Any], bool]] = []


def register_second_factor_rule(rule: Callable[[Any], bool]) -> None:
    if rule not in _SECOND_FACTOR_RULES:
        _SECOND_FACTOR_RULES.append(rule)


def requires_second_factor(user) -> bool:
    """Superusers, the three platform administrators, and whoever a registered rule names (the staff of an
    organ that requires it)."""
    if not getattr(settings, "SECOND_FACTOR_ENFORCED", True) or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or getattr(user, "admin_role", ""):
        return True
    return any(rule(user) for rule in _SECOND_FACTOR_RULES)


def has_confirmed_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


def must_confirm(request, user) -> bool:
    """Whether this session must confirm a second factor: where it is required, and wherever the person enrolled one."""
    if not getattr(settings, "SECOND_FACTOR_ENFORCED", True):
        return False
    return requires_second_factor(user) or bool(request.session.get(SESSION_ENROLLED))


def stamp_login(request) -> None:
    now = int(time.time())
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
    # The store drops a session nobody used for the idle time (the middleware ends it sooner, to the second).
    request.session.set_expiry(settings.SESSION_IDLE_MINUTES * 60 + SEEN_RESOLUTION)


def session_expired(request) -> str:
    """"idle" or "lifetime" when the signed-in session has run out, else ""; refreshes the idle stamp."""
    session = request.session
    now = int(time.time())
    login_at = session.get(SESSION_LOGIN_AT)
    seen_at = session.get(SESSION_SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        stamp_login(request)  # a session from before these rules: its clock starts now
        return ""
    if now - login_at > settings.SESSION_MAX_HOURS * 3600:
        return "lifetime"
    if now - seen_at > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    if now - seen_at >= SEEN_RESOLUTION:
        session[SESSION_SEEN_AT] = now
    return ""


def unwrap(user):
    """The user model instance behind request.user's lazy wrapper (the audit trail needs its class)."""
    while isinstance(user, LazyObject):  # django-otp's wrapper around Django's
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def log_account_event(user, action: str, request=None, *, by=None, data: dict | None = None, reason: str = ""):
    """One audit row for a sign-in event, with the visitor's address and browser."""
    user = unwrap(user)
    details = dict(data or {})
    if request is not None:
        details.setdefault("ip", client_ip(request))
        details.setdefault("user_agent", user_agent(request))
    return log_action(user, action, by=by if by is not None else user, data=details, reason=reason)
