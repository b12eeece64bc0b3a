"""The catalogue's endpoints of the REST API: the public catalogue (read, anonymous, throttled) and the OA push
(write, with an OA push key — a ``credentials.Credential`` — bound to one organ and one person). The push parses and looks up, then calls one
catalogue service (``services.push``), so it obeys the same roles and rules as the workspace; domain errors become
responses in the API's one exception handler."""

from __future__ import annotations

import base64
import binascii

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from gongkai.api.exceptions import domain_error_response
from gongkai.api.mixins import PublicReadMixin
from gongkai.api.serializers import (
    CategorySerializer,
    ItemDetailSerializer,
    ItemListSerializer,
    PushResultSerializer,
    PushSerializer,
    TopicSerializer,
)
from gongkai.api.throttling import AddressThrottle
from gongkai.catalogue import services
from gongkai.catalogue.models import Category, Item, Topic, Validity
from gongkai.core.errors import DomainError
from gongkai.credentials.authentication import CredentialAuthentication, HasCredential
from gongkai.credentials.models import Credential, Purpose
from gongkai.organs.models import Organ


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("Enter a whole number.")]}) from None


def _by_code_or_id(model, value: str):
    condition = Q(code=value) | Q(pk=int(value)) if value.isascii() and value.isdigit() and len(value) < 10 else Q(code=value)
    return model.objects.filter(condition).first()


def _topic(value: str) -> Topic:
    topic = _by_code_or_id(Topic, value)
    if topic is None:
        raise ValidationError({"topic": [services.no_such_entry("topic", value)]})
    return topic


def _category(value: str) -> Category:
    category = _by_code_or_id(Category, value)
    if category is None:
        raise ValidationError({"category": [services.no_such_entry("category", value)]})
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
    OpenApiParameter("organ", str, description=gettext_lazy("The organ (its `slug`), with the organs below it")),
    OpenApiParameter("topic", str, description=gettext_lazy("Topic code or `id` (with the topics below it)")),
    OpenApiParameter("category", str, description=gettext_lazy("Category code or `id`")),
    OpenApiParameter("year", int, description="发布年份"),
    OpenApiParameter("validity", str, enum=Validity.values, description=gettext_lazy("Validity")),
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

    authentication_classes = [CredentialAuthentication]
    permission_classes = [HasCredential]
    credential_purpose = Purpose.OA_PUSH
    throttle_classes = [AddressThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request):
        client: Credential = request.auth
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
            errors["topic"] = [services.no_such_entry("topic", validated["topic"])]
        if category is None:
            errors["category"] = [services.no_such_entry("category", validated["category"])]
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
    authentication_classes = [CredentialAuthentication]
    permission_classes = [HasCredential]
    credential_purpose = Purpose.OA_PUSH
    throttle_classes = [AddressThrottle]

    def get(self, request, pk: int):
        client: Credential = request.auth
        item = get_object_or_404(Item.objects.select_related("organ"), pk=pk)
        if item.organ_id != client.organ_id:
            raise Http404
        return Response(PushResultSerializer(item, context={"request": request}).data)
