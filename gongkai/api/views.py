"""The REST API: read access to the public catalogue, and the OA push.

Reads are anonymous and throttled per address. The push is authenticated by an
``ApiClient`` key bound to one organ and one person; it goes through the
catalogue services, so it obeys the same roles and rules as the workspace."""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.authentication import ApiClientAuthentication
from gongkai.api.exceptions import domain_error_response
from gongkai.api.models import ApiClient
from gongkai.api.serializers import (
    CategorySerializer,
    ItemDetailSerializer,
    ItemListSerializer,
    OrganSerializer,
    PushResultSerializer,
    PushSerializer,
    TopicSerializer,
)
from gongkai.api.throttling import AddressThrottle
from gongkai.applications.api import ChannelKeyAuthentication
from gongkai.catalogue import services
from gongkai.catalogue.models import Category, Item, Topic, Validity
from gongkai.core.errors import DomainError
from gongkai.organs.models import Organ


class PublicReadMixin:
    """Anonymous, read-only, throttled."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("Enter a whole number.")]}) from None


def _by_code_or_id(model, value: str):
    condition = Q(code=value) | Q(pk=int(value)) if value.isascii() and value.isdigit() and len(value) < 10 else Q(code=value)
    return model.objects.filter(condition).first()


def _no_topic(value: str) -> str:
    return _("There is no topic “%(value)s”.") % {"value": value[:40]}


def _no_category(value: str) -> str:
    return _("There is no category “%(value)s”.") % {"value": value[:40]}


def _topic(value: str) -> Topic:
    topic = _by_code_or_id(Topic, value)
    if topic is None:
        raise ValidationError({"topic": [_no_topic(value)]})
    return topic


def _category(value: str) -> Category:
    category = _by_code_or_id(Category, value)
    if category is None:
        raise ValidationError({"category": [_no_category(value)]})
    return category


def _policies(values: list[str]) -> tuple[list[int], list[str]]:
    """Items named by id or by 索引号; returns their ids and the values that name nothing."""
    ids, unknown = [], []
    for value in values:
        value = value.strip()
        item = None
        if value.isascii() and value.isdigit() and len(value) < 10:
            item = Item.objects.filter(pk=int(value)).only("pk").first()
        if item is None:
            item = Item.objects.filter(index_number=value).only("pk").first()
        if item is None:
            unknown.append(value[:80])
        else:
            ids.append(item.pk)
    return ids, unknown


def _organ(value: str) -> Organ:
    organ = Organ.objects.filter(slug=value, is_active=True).first()
    if organ is None:
        raise ValidationError({"organ": [_("There is no organ “%(value)s”.") % {"value": value[:40]}]})
    return organ


FILTER_PARAMETERS = [
    OpenApiParameter("organ", str, description="机关（slug），含其下级机关"),
    OpenApiParameter("topic", str, description="主题分类代码或 id（含下级主题）"),
    OpenApiParameter("category", str, description="信息类别代码或 id"),
    OpenApiParameter("year", int, description="发布年份"),
    OpenApiParameter("validity", str, enum=Validity.values, description="有效性"),
]


@extend_schema(tags=["catalogue"], parameters=FILTER_PARAMETERS, summary="公开目录（已发布的主动公开信息）")
class ItemList(PublicReadMixin, generics.ListAPIView):
    serializer_class = ItemListSerializer

    def get_queryset(self):
        params = self.request.query_params
        items = Item.objects.published().select_related("organ", "topic__parent", "category")
        if params.get("organ"):
            organ = _organ(params["organ"])
            items = items.filter(organ__path__startswith=organ.path)
        if params.get("topic"):
            topic = _topic(params["topic"])
            items = items.filter(Q(topic=topic) | Q(topic__parent=topic))
        if params.get("category"):
            items = items.filter(category=_category(params["category"]))
        if params.get("year"):
            year = _int(params["year"], "year")
            if not 1900 <= year <= 2200:
                raise ValidationError({"year": [_("Enter a year such as 2026.")]})
            items = items.filter(published_at__year=year)
        if params.get("validity"):
            if params["validity"] not in Validity.values:
                raise ValidationError({"validity": [_("Choose one of: %(values)s.") % {"values": ", ".join(Validity.values)}]})
            items = items.filter(validity=params["validity"])
        return items.order_by("-published_at", "-id")


@extend_schema(tags=["catalogue"], summary="一条公开信息：元数据、正文、附件、解读")
class ItemDetail(PublicReadMixin, generics.RetrieveAPIView):
    serializer_class = ItemDetailSerializer

    def get_queryset(self):
        return Item.objects.published().select_related("organ", "topic__parent", "category")


@extend_schema(tags=["catalogue"], summary="机关")
class OrganList(PublicReadMixin, generics.ListAPIView):
    serializer_class = OrganSerializer
    queryset = Organ.objects.active().select_related("parent").order_by("path")


@extend_schema(tags=["catalogue"], summary="主题分类")
class TopicList(PublicReadMixin, generics.ListAPIView):
    serializer_class = TopicSerializer
    queryset = Topic.objects.filter(is_active=True).select_related("parent")
    pagination_class = None


@extend_schema(tags=["catalogue"], summary="信息类别/体裁")
class CategoryList(PublicReadMixin, generics.ListAPIView):
    serializer_class = CategorySerializer
    queryset = Category.objects.filter(is_active=True)
    pagination_class = None


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


def _domain_error_response(error: DomainError) -> Response:
    return domain_error_response(error)


def _files(validated: dict) -> list:
    files = list(validated["attachments"])
    for position, entry in enumerate(validated["attachments_base64"]):
        try:
            content = base64.b64decode(entry["content"], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(
                {"attachments_base64": [_("Attachment %(number)d (“%(name)s”) is not valid base64.") % {"number": position + 1, "name": entry["name"]}]}
            ) from None
        files.append(SimpleUploadedFile(entry["name"], content))
    return files


@extend_schema(
    tags=["oa"],
    summary="OA 推送：签发文件进入公开目录（草稿或直接送审）",
    request={"application/json": PushSerializer, "multipart/form-data": PushSerializer},
    responses={201: PushResultSerializer},
)
class Push(APIView):
    """Push a signed-off document into the catalogue of the key's organ, as a
    draft or straight into the sign-off chain (``submit``)."""

    authentication_classes = [ApiClientAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [AddressThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request):
        client: ApiClient = request.auth
        if not isinstance(client, ApiClient):
            raise PermissionDenied(_("Use an API client key."))
        data = request.data
        if hasattr(data, "getlist"):  # multipart: several files under one name
            lists = {"interprets": data.getlist("interprets")}
            data = data.dict()
            data["attachments"] = request.FILES.getlist("attachments")
            data.update({key: values for key, values in lists.items() if values})
        serializer = PushSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        validated = serializer.validated_data
        organ = client.organ
        if validated.get("organ") and validated["organ"] != organ.slug:
            return Response(
                {"detail": _("This key belongs to %(organ)s; it cannot push to another organ.") % {"organ": organ.name}},
                status=status.HTTP_403_FORBIDDEN,
            )
        content = {
            key: validated[key]
            for key in (
                "title", "body", "summary", "document_number", "date_formed", "keywords", "validity", "validity_changed_on",
                "validity_note", "disclosure", "withholding_reason", "withholding_note", "disclosure_channels", "scope",
                "important", "on_portal", "department", "interpretation_kind", "video_url",
            )
        }
        # Every problem at once: the look-ups below and then every rule of the catalogue (services.check_data),
        # the same the workspace form shows.
        errors: dict[str, list[str]] = {}
        topic = _by_code_or_id(Topic, validated["topic"])
        category = _by_code_or_id(Category, validated["category"])
        if topic is None:
            errors["topic"] = [_no_topic(validated["topic"])]
        if category is None:
            errors["category"] = [_no_category(validated["category"])]
        content["topic"] = topic.pk if topic else None
        content["category"] = category.pk if category else None
        content["interprets"], unknown = _policies(validated["interprets"])
        if unknown:
            errors["interprets"] = [
                _("No item has the id or index number %(values)s.") % {"values": "、".join(f"“{v}”" for v in unknown)}
            ]
        files = _files(validated)
        try:
            normalized = {**services.DEFAULTS, **services.normalize(content)}
        except DomainError as error:
            return _domain_error_response(error)
        for field, message in services.check_data(organ, normalized).items():
            errors.setdefault(field, [str(message)])
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            item = services.push(
                organ=organ, by=client.user, data=content, files=files, submit=validated["submit"], note=validated["note"],
                client_id=client.pk, client_name=client.name,
            )
        except DomainError as error:
            return _domain_error_response(error)
        result = PushResultSerializer(item, context={"request": request}).data
        return Response(result, status=status.HTTP_201_CREATED)


@extend_schema(tags=["oa"], summary="OA 查询推送文件的状态", responses=PushResultSerializer)
class PushedItem(APIView):
    authentication_classes = [ApiClientAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [AddressThrottle]

    def get(self, request, pk: int):
        client = request.auth
        if not isinstance(client, ApiClient):
            raise PermissionDenied(_("Use an API client key."))
        item = get_object_or_404(Item.objects.select_related("organ"), pk=pk)
        if item.organ_id != client.organ_id:
            raise Http404
        return Response(PushResultSerializer(item, context={"request": request}).data)


# --- Schema and its browser ---------------------------------------------------------------


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
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tags": operation.get("tags", []),
                    "secured": any("ApiClientToken" in s for s in operation.get("security", [])),
                    "parameters": operation.get("parameters", []),
                    "body": [
                        {"name": name, "type": spec.get("type") or spec.get("$ref", "").rsplit("/", 1)[-1], "description": spec.get("description", ""), "required": name in body_schema.get("required", [])}
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

    authentication_classes = [ApiClientAuthentication, ChannelKeyAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]

    def handle_exception(self, exc):
        # Errors are JSON like every other API error, not an OpenAPI document.
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response
