"""``Authorization: Token gk_…`` for API clients (hashed keys, revocable)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from gongkai.api.models import KEY_PREFIX, ApiClient, hash_key


class ApiClientAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give the key after “Token ”."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not key.startswith(KEY_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        client = ApiClient.objects.select_related("organ", "user").filter(key_hash=hash_key(key)).first()
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if client.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This key has been revoked."))
        if not client.user.is_active or not client.organ.is_active:
            raise exceptions.AuthenticationFailed(_("The person or organ of this key is no longer active."))
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client.user, client

    def authenticate_header(self, request):
        return self.keyword


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiClientScheme(OpenApiAuthenticationExtension):
        target_class = "gongkai.api.authentication.ApiClientAuthentication"
        name = "ApiClientToken"

        def get_security_definition(self, auto_schema):
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Token gk_…（每个机关一把密钥，可吊销）",
            }

except ImportError:  # pragma: no cover
    pass
