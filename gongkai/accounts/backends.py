"""Authentication backends: the lockout check that runs before any password is compared, and the permissions of
the three platform administrators (duties.DUTIES)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend

from gongkai.accounts import duties


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request (the login pages, the admin's login).
    A call without a request (a script, the test client's login()) is not a sign-in from outside and is not counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class DutyBackend:
    """Grants each platform administrator the admin permissions of their duty, and only those."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        role = getattr(user_obj, "admin_role", "")
        return bool(role and user_obj.is_active and duties.allowed(role, perm))

    def has_module_perms(self, user_obj, app_label):
        role = getattr(user_obj, "admin_role", "")
        return bool(role and user_obj.is_active and duties.allowed_module(role, app_label))
