"""The REST API's one authentication for outside systems: ``Authorization: Token <key>`` (``Channel <key>``, the
header intake channels were given first, is the same). The key is found by its SHA-256; a view says which purpose
its keys must have (``credential_purpose``), and a key of another purpose, revoked, or whose person or organ is no
longer active gets a 401 like an unknown one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from gongkai.credentials.models import Credential, Purpose, hash_key

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

KEYWORDS = ("Token", "Channel")
KEYWORD_OF_PURPOSE = {Purpose.OA_PUSH: "Token", Purpose.APPLICATION_CHANNEL: "Channel"}


class CredentialActor:
    """A key that acts for no person (an intake channel), standing in for a user in DRF."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None

    def __init__(self, credential: Credential) -> None:
        self.credential = credential

    def __str__(self) -> str:
        return self.credential.actor_name


def _purpose(request: Request) -> str | None:
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return getattr(view, "credential_purpose", None)


class CredentialAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Credential] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in {k.lower() for k in KEYWORDS}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give the key after “Token ”."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        credential = Credential.objects.select_related("organ", "user").filter(key_hash=hash_key(key)).first()
        if credential is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        refusal = credential.refusal()
        if refusal == "revoked":
            raise exceptions.AuthenticationFailed(_("This key has been revoked."))
        if refusal:
            raise exceptions.AuthenticationFailed(_("The person or organ of this key is no longer active."))
        purpose = _purpose(request)
        if purpose is not None and credential.purpose != purpose:
            raise exceptions.AuthenticationFailed(_("This key is not for this part of the API."))
        credential.mark_used()
        return (credential.user if credential.user_id else CredentialActor(credential)), credential

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD_OF_PURPOSE.get(_purpose(request), "Token")  # type: ignore[call-overload]


class HasCredential(permissions.BasePermission):
    """The request came with a key of the view's purpose (a signed-in session alone is not enough)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        credential = request.auth
        return isinstance(credential, Credential) and credential.purpose == getattr(view, "credential_purpose", None)


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class CredentialScheme(OpenApiAuthenticationExtension):
        target_class = "gongkai.credentials.authentication.CredentialAuthentication"
        name = ["ApiClientToken", "ChannelKey"]
        SCHEME_OF_PURPOSE = {Purpose.OA_PUSH: "ApiClientToken", Purpose.APPLICATION_CHANNEL: "ChannelKey"}

        def get_security_requirement(self, auto_schema: Any) -> dict[str, list[Any]] | list[dict[str, list[Any]]]:
            scheme = self.SCHEME_OF_PURPOSE.get(getattr(auto_schema.view, "credential_purpose", None))  # type: ignore[arg-type]
            return {scheme: []} if scheme else [{name: []} for name in self.name]

        def get_security_definition(self, auto_schema: Any) -> list[dict[str, str]]:
            return [
                {"type": "apiKey", "in": "header", "name": "Authorization",
                 "description": "Token gk_…（每个机关一把密钥，可吊销）"},
                {"type": "apiKey", "in": "header", "name": "Authorization",
                 "description": "Channel <key> — one key per intake channel."},
            ]

except ImportError:  # pragma: no cover
    pass
