"""The API's throttle: the platform's rate limits (gongkai.core.ratelimit) in DRF's form, so a refusal is DRF's
429 JSON answer with a Retry-After header. Anonymous reads count per client address against ``api``; calls
with a key count per account against ``api_user``."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from gongkai.core import ratelimit


class AddressThrottle(BaseThrottle):
    def allow_request(self, request, view):
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        if user_id is not None:
            self.limited = ratelimit.hit(request, "api_user", key=f"user-{user_id}")
        else:
            self.limited = ratelimit.hit(request, "api")
        return self.limited is None

    def wait(self):
        return self.limited.retry_after if self.limited is not None else None
