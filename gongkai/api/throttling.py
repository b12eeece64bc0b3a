"""The API's throttle: the platform's rate limits (gongkai.core.ratelimit) in DRF's form, so a refusal is DRF's
429 JSON answer with a Retry-After header. Anonymous reads count per client address against ``api``; calls
with a key count per account (or per channel) against ``api_user``."""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from gongkai.core import ratelimit


class AddressThrottle(BaseThrottle):
    def allow_request(self, request, view):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            # a person's key counts per person; a channel (hotline, OA) has no person and counts as itself
            who = f"user-{user.pk}" if getattr(user, "pk", None) is not None else str(user)
            self.limited = ratelimit.hit(request, "api_user", key=who)
        else:
            self.limited = ratelimit.hit(request, "api")
        return self.limited is None

    def wait(self):
        return self.limited.retry_after if self.limited is not None else None
