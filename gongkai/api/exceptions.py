"""One answer format for every API error, in the request's language.

``{"detail": "…", "code": "…"}``; invalid input keeps DRF's shape, the
messages per field (``{"field": ["…"]}``), which clients already read. Domain refusals raised by services map to the
status codes the web faces use: NotAllowed → 403, InvalidTransition → 409,
any other DomainError → 400 naming its field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed


def domain_error_response(error: DomainError) -> Response:
    if isinstance(error, NotAllowed):
        return Response({"detail": str(error.message), "code": "forbidden"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(error, InvalidTransition):
        return Response({"detail": str(error.message), "code": "invalid_state"}, status=status.HTTP_409_CONFLICT)
    return Response({error.field or "non_field_errors": [str(error.message)]}, status=status.HTTP_400_BAD_REQUEST)


def handle(exc, context):
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    response = drf_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        code = getattr(response.data["detail"], "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(response.data["detail"]), "code": str(code)}
    return response
