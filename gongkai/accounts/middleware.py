"""Rules applied to every request of a signed-in person (visitors without an account are untouched):

1. the session ends after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS after the sign-in;
2. with SESSION_SINGLE_PER_ACCOUNT, only the latest sign-in's session stays valid;
3. someone who needs a second factor confirms it (or enrols) before anything else;
4. a temporary or expired password is changed before anything else;
5. an applicant account (``User.is_applicant``) never reaches the staff areas: the workspace, the admin, the API and
   the staff account pages answer 403.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.accounts import security


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    @cached_property
    def _open_paths(self) -> tuple[str, ...]:
        return (
            reverse("accounts:login"), reverse("accounts:logout"), reverse("accounts:second_factor"),
            reverse("accounts:second_factor_setup"), reverse("accounts:password_reset"), "/i18n/", settings.STATIC_URL,
        )

    def _to_login(self, request, message: str):
        logout(request)
        messages.info(request, message)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")

    @cached_property
    def _staff_paths(self) -> tuple[str, ...]:
        return ("/workspace/", "/admin/", "/api/", "/accounts/")

    def check(self, request, user):
        if user.is_applicant and request.path.startswith(self._staff_paths) and request.path != reverse("accounts:logout"):
            raise PermissionDenied(_("This page is for staff. An applicant account cannot use it."))
        expired = security.session_expired(request)
        if expired:
            security.log_account_event(user, "accounts.session_expired", request, data={"why": expired})
            if expired == "idle":
                text = _("You were signed out after %(minutes)d minutes without activity. Please sign in again.") % {
                    "minutes": settings.SESSION_IDLE_MINUTES}
            else:
                text = _("You were signed out %(hours)d hours after signing in. Please sign in again.") % {
                    "hours": settings.SESSION_MAX_HOURS}
            return self._to_login(request, text)
        if (
            settings.SESSION_SINGLE_PER_ACCOUNT
            and user.current_session_key
            and request.session.session_key
            and user.current_session_key != request.session.session_key
        ):
            security.log_account_event(user, "accounts.session_replaced", request)
            return self._to_login(request, _("You signed in somewhere else, which ended this session."))
        path = request.path
        if path.startswith(self._open_paths):
            return None
        if security.must_confirm(request, user) and not user.is_verified():
            target = "accounts:second_factor" if security.has_confirmed_device(user) else "accounts:second_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        if path.startswith((reverse("accounts:password_change"), reverse("accounts:recovery_codes"))):
            return None
        if user.must_change_password or user.password_expired:
            if user.must_change_password:
                messages.warning(request, _("Please replace the temporary password you were given with one of your own."))
            else:
                messages.warning(request, _("Your password has expired. Please choose a new one."))
            return redirect("accounts:password_change")
        return None
