"""What the API shows and accepts. Serializers only shape data; every rule is
in the catalogue services (``check_data``, ``create_draft``, ``submit``)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongkai.catalogue.models import Attachment, Category, Disclosure, InterpretationKind, Item, Scope, Topic, Validity
from gongkai.catalogue.services.rules import MISSING
from gongkai.organs.models import Organ


class OrganSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Organ
        fields = ["id", "slug", "name", "short_name", "kind", "parent", "code", "office_name", "address", "office_hours", "phone", "fax", "email", "website"]


class TopicSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Topic
        fields = ["id", "code", "name", "parent"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "is_policy", "is_interpretation"]


class OrganRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organ
        fields = ["id", "slug", "name"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "kind", "size", "sha256", "url"]

    @extend_schema_field(serializers.URLField())
    def get_url(self, attachment) -> str:
        request = self.context.get("request")
        url = reverse("portal:attachment", kwargs={"pk": attachment.pk})
        return request.build_absolute_uri(url) if request else url


class ItemRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "title", "index_number", "published_at"]


def _public_url(item: Item, request) -> str | None:
    try:
        url = reverse("portal:item", kwargs={"organ_slug": item.organ.slug, "pk": item.pk})
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(url) if request else url


class ItemListSerializer(serializers.ModelSerializer):
    organ = OrganRefSerializer(read_only=True)
    topic = TopicSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The item's page on the public portal."))

    class Meta:
        model = Item
        fields = [
            "id", "index_number", "title", "document_number", "organ", "topic", "category", "date_formed",
            "published_at", "keywords", "validity", "summary", "url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, item) -> str | None:
        return _public_url(item, self.context.get("request"))


class ItemDetailSerializer(ItemListSerializer):
    attachments = serializers.SerializerMethodField()
    interpretations = serializers.SerializerMethodField(help_text=_("Published interpretations (政策解读) of this item."))
    interprets = serializers.SerializerMethodField(help_text=_("The policy documents this interpretation explains."))

    class Meta(ItemListSerializer.Meta):
        fields = ItemListSerializer.Meta.fields + [
            "body", "validity_changed_on", "validity_note", "disclosure_channels", "scope", "interpretation_kind",
            "video_url", "attachments", "interpretations", "interprets",
        ]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, item):
        current = item.attachments.filter(is_current=True).order_by("pk")
        return AttachmentSerializer(current, many=True, context=self.context).data

    @extend_schema_field(ItemRefSerializer(many=True))
    def get_interpretations(self, item):
        return ItemRefSerializer(item.interpretations.published().order_by("published_at"), many=True).data

    @extend_schema_field(ItemRefSerializer(many=True))
    def get_interprets(self, item):
        return ItemRefSerializer(item.interprets.published().order_by("published_at"), many=True).data


class Base64FileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, label=_("file name"))
    content = serializers.CharField(label=_("content (base64)"))


class PushSerializer(serializers.Serializer):
    """A document signed off in the OA system, pushed into the catalogue."""

    # a missing or blank title, topic, category or date is refused in the words of the catalogue's rules
    title = serializers.CharField(max_length=300, label=_("title"),
                                  error_messages={"required": MISSING["title"], "blank": MISSING["title"]})
    body = serializers.CharField(required=False, allow_blank=True, default="", label=_("body"), help_text=_("HTML; cleaned of scripts."))
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=500, label=_("summary"))
    topic = serializers.CharField(label=_("topic"), error_messages={"required": MISSING["topic"], "blank": MISSING["topic"]}, help_text=_("Topic code (主题分类代码) or id."))
    category = serializers.CharField(label=_("category"), error_messages={"required": MISSING["category"], "blank": MISSING["category"]}, help_text=_("Category code (信息类别代码, e.g. GFXWJ) or id."))
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=100, label=_("document number"))
    date_formed = serializers.DateField(label=_("date formed"), error_messages={"required": MISSING["date_formed"], "null": MISSING["date_formed"]})
    keywords = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label=_("keywords"))
    validity = serializers.ChoiceField(choices=Validity.choices, default=Validity.IN_FORCE, label=_("validity"))
    validity_changed_on = serializers.DateField(required=False, allow_null=True, default=None, label=_("repealed or expired on"))
    validity_note = serializers.CharField(required=False, allow_blank=True, default="", label=_("explanation of repeal or expiry"))
    disclosure = serializers.ChoiceField(choices=Disclosure.choices, default=Disclosure.ACTIVE, label=_("disclosure attribute"))
    withholding_reason = serializers.IntegerField(required=False, allow_null=True, default=None, label=_("legal reason"))
    withholding_note = serializers.CharField(required=False, allow_blank=True, default="", label=_("reason in detail"))
    disclosure_channels = serializers.CharField(required=False, default="政府网站", max_length=100, label=_("disclosure method"))
    scope = serializers.ChoiceField(choices=Scope.choices, default=Scope.PUBLIC, label=_("disclosure scope"))
    important = serializers.BooleanField(required=False, default=False, label=_("important matter"))
    on_portal = serializers.BooleanField(required=False, default=True, label=_("also on the government portal"))
    department = serializers.IntegerField(required=False, allow_null=True, default=None, label=_("department"))
    interpretation_kind = serializers.ChoiceField(
        choices=InterpretationKind.choices, required=False, allow_blank=True, default="", label=_("interpretation form"),
        help_text=_("For an item of an interpretation category (政策解读): text, graphic or video."),
    )
    video_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=200, label=_("video link"))
    interprets = serializers.ListField(
        child=serializers.CharField(max_length=80), required=False, default=list, max_length=50,
        label=_("interprets these policy documents"),
        help_text=_("For an interpretation: the ids or index numbers (索引号) of the policy documents it explains."),
    )
    organ = serializers.SlugField(required=False, label=_("organ"), help_text=_("Optional; must be the key's organ."))
    submit = serializers.BooleanField(
        required=False, default=False, label=_("submit for review"),
        help_text=_("true: straight into the sign-off chain; false: stays a draft in the workspace."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300, label=_("note to reviewers"))
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, label=_("attachments"), help_text=_("Multipart files.")
    )
    attachments_base64 = Base64FileSerializer(many=True, required=False, default=list, label=_("attachments (base64)"))


class PushResultSerializer(serializers.ModelSerializer):
    organ = OrganRefSerializer(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Item
        fields = ["id", "title", "organ", "state", "state_label", "version", "index_number", "published_at", "attachments"]
