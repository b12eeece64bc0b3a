"""The REST API's shell: the readable schema and its page, the list of organs and the search endpoint. Each
subject's endpoints live in its app (the catalogue's in ``catalogue.views.api``) and are mounted in ``api.urls``;
reads are anonymous and throttled per address (``api.mixins.PublicReadMixin``)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.mixins import PublicReadMixin
from gongkai.api.serializers import (
    ItemListSerializer,
    OrganSerializer,
)
from gongkai.api.throttling import AddressThrottle
from gongkai.catalogue.models import Item, Validity
from gongkai.catalogue.views.api import FILTER_PARAMETERS, _category, _int, _organ, _topic
from gongkai.credentials.authentication import CredentialAuthentication
from gongkai.organs.models import Organ


@extend_schema(tags=["catalogue"], summary="机关")
class OrganList(PublicReadMixin, generics.ListAPIView):
    serializer_class = OrganSerializer
    queryset = Organ.objects.active().select_related("parent").order_by("path")


@extend_schema(
    tags=["catalogue"],
    summary="全文检索（中文分词）",
    parameters=[
        OpenApiParameter("q", str, required=True, description="检索词"),
        *FILTER_PARAMETERS,
        OpenApiParameter("order", str, enum=["relevance", "date"]),
        OpenApiParameter("page", int),
    ],
    responses=inline_serializer(
        "SearchResults",
        {
            "count": serializers.IntegerField(),
            "page": serializers.IntegerField(),
            "pages": serializers.IntegerField(),
            "words": serializers.ListField(child=serializers.CharField()),
            "results": ItemListSerializer(many=True),
        },
    ),
)
class Search(PublicReadMixin, APIView):
    def get(self, request):
        try:
            from gongkai.search.services import search
        except ImportError:
            return Response({"detail": _("Search is not available.")}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        params = request.query_params
        query = (params.get("q") or "").strip()
        if not query:
            raise ValidationError({"q": [_("Enter what to search for.")]})
        filters = {}
        if params.get("organ"):
            organ = _organ(params["organ"])
            filters["organs"] = list(Organ.objects.below(organ).values_list("pk", flat=True))
        if params.get("topic"):
            filters["topic"] = _topic(params["topic"]).pk
        if params.get("category"):
            filters["category"] = _category(params["category"]).pk
        if params.get("year"):
            filters["year"] = _int(params["year"], "year")
        if params.get("validity"):
            if params["validity"] not in Validity.values:
                raise ValidationError({"validity": [_("Choose one of: %(values)s.") % {"values": ", ".join(Validity.values)}]})
            filters["validity"] = params["validity"]
        order = params.get("order") or "relevance"
        if order not in ("relevance", "date"):
            raise ValidationError({"order": [_("Choose one of: %(values)s.") % {"values": "relevance, date"}]})
        page = _int(params.get("page") or "1", "page")
        if page < 1:
            raise ValidationError({"page": [_("Enter a whole number.")]})
        results = search(query, order=order, page=page, per_page=settings.REST_FRAMEWORK["PAGE_SIZE"], **filters)
        found = Item.objects.published().select_related("organ", "topic__parent", "category").in_bulk(results.ids)
        items = [found[i] for i in results.ids if i in found]
        return Response(
            {
                "count": results.total,
                "page": results.page,
                "pages": results.pages,
                "words": results.words,
                "results": ItemListSerializer(items, many=True, context={"request": request}).data,
            }
        )


# --- Write access for OA systems --------------------------------------------------------


# --- Schema and its browser ---------------------------------------------------------------


# The schema's words for types and parameter places, as the documentation page says them.
TYPE_NAMES = {
    "string": gettext_lazy("text"), "integer": gettext_lazy("whole number"), "number": gettext_lazy("number"),
    "boolean": gettext_lazy("yes or no"), "array": gettext_lazy("list"), "object": gettext_lazy("object"),
    "file": gettext_lazy("file"),
}
PLACE_NAMES = {"path": gettext_lazy("in the path"), "query": gettext_lazy("in the query"), "header": gettext_lazy("header")}


def _type_name(spec: dict) -> str:
    if spec.get("type") in TYPE_NAMES:
        return str(TYPE_NAMES[spec["type"]])
    reference = spec.get("$ref", "") or next((s.get("$ref", "") for s in spec.get("allOf", []) + spec.get("oneOf", [])), "")
    return str(gettext_lazy("one of the listed values")) if reference.endswith("Enum") else reference.rsplit("/", 1)[-1]


def _say(text: str) -> str:
    """A summary or description the schema took from the code (a docstring, a help text), in the reader's
    language when it has been translated."""
    return _(text) if text else ""


def _endpoints(schema: dict) -> list[dict]:
    rows = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            body_ref = next(iter(body.values()), {}).get("schema", {}).get("$ref", "")
            body_schema = schema.get("components", {}).get("schemas", {}).get(body_ref.rsplit("/", 1)[-1], {}) if body_ref else {}
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": _say(operation.get("summary", "")),
                    "description": _say(operation.get("description", "")),
                    "tags": operation.get("tags", []),
                    "secured": any("ApiClientToken" in s for s in operation.get("security", [])),
                    "parameters": [
                        {**p, "place": str(PLACE_NAMES.get(p.get("in"), p.get("in", ""))), "description": _say(p.get("description", ""))}
                        for p in operation.get("parameters", [])
                    ],
                    "body": [
                        {"name": name, "type": _type_name(spec), "description": _say(spec.get("description", "")), "required": name in body_schema.get("required", [])}
                        for name, spec in body_schema.get("properties", {}).items()
                        if not spec.get("readOnly")
                    ],
                }
            )
    return rows


@extend_schema(exclude=True)
class Docs(APIView):
    """A readable page of the OpenAPI schema, served without any outside resource."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]

    def get(self, request):
        schema = SchemaGenerator(patterns=None).get_schema(request=request, public=True)
        return render(request, "api/docs.html", {"endpoints": _endpoints(schema), "info": schema.get("info", {})})


class Schema(SpectacularAPIView):
    """The OpenAPI schema, readable with or without credentials: a client
    that sends its key everywhere gets it too; a wrong key is still a 401."""

    authentication_classes = [CredentialAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]

    def handle_exception(self, exc):
        # Errors are JSON like every other API error, not an OpenAPI document.
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response
