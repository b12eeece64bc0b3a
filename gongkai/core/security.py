"""Response headers Django does not set itself (docs/security/hardening.md)."""

from __future__ import annotations

from django.conf import settings


class HeadersMiddleware:
    """Adds ``Permissions-Policy`` (browser features no page of the platform uses are turned off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
