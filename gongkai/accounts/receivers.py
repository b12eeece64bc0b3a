"""Sign-in events into the audit trail (with address and browser), and the session stamps of a new sign-in.
Connected in AccountsConfig.ready."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gongkai.accounts import security


def _account(username: str):
    """The account a sign-in named; an unsaved stand-in carrying the name when there is no such account
    (its audit rows have target id "None")."""
    User = get_user_model()
    username = (username or "")[:150]
    return User.objects.filter(username=username).first() or User(username=username)


def logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    security.stamp_login(request)
    if security.has_confirmed_device(user):
        request.session[security.SESSION_ENROLLED] = True
    session_key = request.session.session_key or ""
    if not session_key:
        request.session.save()
        session_key = request.session.session_key or ""
    if user.current_session_key != session_key:
        get_user_model().objects.filter(pk=user.pk).update(current_session_key=session_key)
        user.current_session_key = session_key
    security.log_account_event(user, "accounts.logged_in", request)


def logged_out(sender, request, user, **kwargs):
    if user is None or not getattr(user, "pk", None):
        return
    security.log_account_event(user, "accounts.logged_out", request)


def login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    if getattr(request, "axes_locked_out", False):
        return  # recorded as a lockout (below)
    account = _account(credentials.get("username", ""))
    security.log_account_event(account, "accounts.login_failed", request, by=f"{account.username}"[:150] or "anonymous",
                               data={"username": account.username})


def locked_out(sender, request, username, ip_address, **kwargs):
    account = _account(username or "")
    security.log_account_event(account, "accounts.locked_out", request, by=f"{account.username}"[:150] or "anonymous",
                               data={"username": account.username})
