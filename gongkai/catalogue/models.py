"""Proactive disclosure (主动公开): the catalogue of government information.

An ``Item``'s row holds its current content: the working copy while it is a
draft, the published content once published. Every version submitted for
review is frozen in an ``ItemVersion`` (its content hash is what sign-off
decisions approve). Revising a published item works on a new ItemVersion in
draft; the public keeps seeing the published content until the revision is
approved and published, when it is applied to the row."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import FileCheck, NoDeleteModel, NoDeleteQuerySet


class Topic(NoDeleteModel):
    """主题分类: a configurable tree (e.g. 综合政务 › 政务公开)."""

    parent = models.ForeignKey("self", verbose_name=_("parent topic"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    name = models.CharField(_("name"), max_length=60)
    code = models.CharField(_("code"), max_length=20, unique=True)
    sort = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class StatutoryGroup(models.TextChoices):
    """The kinds of information Art. 20 of the Regulations says an organ must disclose proactively
    (法定主动公开内容), in the order of its items; a category is filed under one of them, or none."""

    RULES = "rules", _("Rules and normative documents")  # (一) 行政法规、规章和行政规范性文件
    ORGANISATION = "organisation", _("Functions and organisation")  # (二) 机关职能、机构设置 …
    PLANS = "plans", _("Plans")  # (三) 规划
    STATISTICS = "statistics", _("Statistical information")  # (四) 统计信息
    LICENSING = "licensing", _("Administrative licensing and services")  # (五) 行政许可
    ENFORCEMENT = "enforcement", _("Administrative penalties and enforcement")  # (六) 行政处罚、行政强制
    BUDGETS = "budgets", _("Budgets and final accounts")  # (七) 财政预算、决算
    FEES = "fees", _("Administrative fees")  # (八) 行政事业性收费
    PROCUREMENT = "procurement", _("Government procurement")  # (九) 政府集中采购
    PROJECTS = "projects", _("Major construction projects")  # (十) 重大建设项目
    LIVELIHOOD = "livelihood", _("Policies for people's livelihood")  # (十一) 扶贫、教育、医疗、社会保障、促进就业
    EMERGENCIES = "emergencies", _("Emergencies")  # (十二) 突发公共事件
    INSPECTIONS = "inspections", _("Supervision and inspections")  # (十三) 环境保护、公共卫生、安全生产 … 监督检查
    RECRUITMENT = "recruitment", _("Civil service recruitment and personnel")  # (十四) 公务员招考
    OTHER = "other", _("Other information to be disclosed by law")  # (十五)


class Category(NoDeleteModel):
    """信息类别/体裁: 规章, 行政规范性文件, 工作动态, 政策解读 … (configurable)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Used in index numbers as {category}."))
    is_policy = models.BooleanField(
        _("policy document"), default=False, help_text=_("Policy documents are expected to have an interpretation.")
    )
    is_interpretation = models.BooleanField(_("interpretation"), default=False)
    annual_report_row = models.CharField(
        _("annual report row"),
        max_length=20,
        blank=True,
        choices=[("rule", _("Rules (规章)")), ("normative", _("Normative documents (行政规范性文件)"))],
    )
    statutory_group = models.CharField(
        _("statutory content (Art. 20)"), max_length=20, choices=StatutoryGroup.choices, blank=True,
        help_text=_("Where the category's items are listed on the page of statutory proactive disclosure; empty: not listed there."),
    )
    sort = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return self.name


class Disclosure(models.TextChoices):
    ACTIVE = "active", _("Proactive disclosure")  # 主动公开
    ON_REQUEST = "on_request", _("Disclosure on application")  # 依申请公开
    WITHHELD = "withheld", _("Not disclosed")  # 不予公开


class WithholdingReason(NoDeleteModel):
    """A legal reason for not disclosing proactively, with its article."""

    applies_to = models.CharField(_("applies to"), max_length=20, choices=[(Disclosure.ON_REQUEST, Disclosure.ON_REQUEST.label), (Disclosure.WITHHELD, Disclosure.WITHHELD.label)])
    text = models.CharField(_("reason"), max_length=200)
    article = models.CharField(_("legal basis"), max_length=100)
    sort = models.PositiveIntegerField(default=0, verbose_name=_("sort order"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("withholding reason")
        verbose_name_plural = _("withholding reasons")
        ordering = ["applies_to", "sort"]

    def __str__(self) -> str:
        return f"{self.text}（{self.article}）"


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("In force")  # 有效
    REPEALED = "repealed", _("Repealed")  # 废止
    EXPIRED = "expired", _("Expired")  # 失效


class Scope(models.TextChoices):
    PUBLIC = "public", _("The whole public")  # 全社会
    SPECIFIC = "specific", _("Specific groups")  # 特定群众


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved, awaiting publication")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    DISCARDED = "discarded", _("Discarded")  # 已作废: a draft never submitted, given up


# States whose items are out of every list of work and of the catalogue (kept with their history).
ENDED_STATES = (ItemState.WITHDRAWN, ItemState.DISCARDED)


class RevisionState(models.TextChoices):
    """The workflow of a revision of a published item; the public keeps the
    published content meanwhile."""

    NONE = "", _("No revision")
    DRAFT = "draft", _("Revision in draft")
    IN_REVIEW = "in_review", _("Revision in review")
    RETURNED = "returned", _("Revision returned")
    APPROVED = "approved", _("Revision approved, awaiting publication")


class InterpretationKind(models.TextChoices):
    TEXT = "text", _("Text")
    GRAPHIC = "graphic", _("Graphic")
    VIDEO = "video", _("Video")


class ItemQuerySet(NoDeleteQuerySet):
    def published(self) -> ItemQuerySet:
        """What the public may see: published, proactively disclosed."""
        return self.filter(state=ItemState.PUBLISHED, disclosure=Disclosure.ACTIVE)

    def withheld(self) -> ItemQuerySet:
        """The register of items not disclosed proactively (依申请公开/不予公开)."""
        return self.exclude(disclosure=Disclosure.ACTIVE).exclude(state__in=ENDED_STATES)

    def unpublished_active(self) -> ItemQuerySet:
        return self.filter(disclosure=Disclosure.ACTIVE).exclude(state__in=[ItemState.PUBLISHED, *ENDED_STATES])

    def _art26(self, first_in_time: dt.date | None, last: dt.date) -> ItemQuerySet:
        """Art. 26 counts 20 working days from the day information is formed *or changed*:
        unpublished proactive items by ``date_formed``, revisions of published items under way by
        ``changed_on``; either day in [first_in_time, last)."""
        unpublished = models.Q(disclosure=Disclosure.ACTIVE) & ~models.Q(state__in=[ItemState.PUBLISHED, *ENDED_STATES])
        revising = models.Q(state=ItemState.PUBLISHED, disclosure=Disclosure.ACTIVE) & ~models.Q(revision_state=RevisionState.NONE)
        formed = models.Q(date_formed__lt=last)
        changed = models.Q(changed_on__lt=last)
        if first_in_time is not None:
            formed &= models.Q(date_formed__gte=first_in_time)
            changed &= models.Q(changed_on__gte=first_in_time)
        return self.filter((unpublished & formed) | (revising & changed))

    def over_publication_limit(self, today: dt.date | None = None) -> ItemQuerySet:
        """Proactive items formed (or, for a revision under way, changed) more than 20 working days
        ago (Art. 26) and not yet published."""
        from gongkai.catalogue.deadlines import last_day_formed_in_time

        return self._art26(None, last_day_formed_in_time(today))

    def near_publication_limit(self, today: dt.date | None = None, within: int = 5) -> ItemQuerySet:
        """The same whose Art. 26 limit falls within ``within`` working days."""
        from gongkai.catalogue.deadlines import last_day_formed_in_time

        return self._art26(last_day_formed_in_time(today), last_day_formed_in_time(today, ahead=within))

    def lacking_interpretation(self) -> ItemQuerySet:
        """Published policy documents with no published interpretation (文件多，解读少)."""
        interpreted = Item.interprets.through.objects.filter(from_item__state=ItemState.PUBLISHED).values("to_item_id")
        return self.published().filter(category__is_policy=True).exclude(pk__in=interpreted)

    def waiting_for_publication(self) -> ItemQuerySet:
        """Approved proactive items, or approved revisions, that a publisher must publish."""
        return self.filter(
            models.Q(state=ItemState.APPROVED, disclosure=Disclosure.ACTIVE)
            | models.Q(state=ItemState.PUBLISHED, revision_state=RevisionState.APPROVED)
        )


class Item(NoDeleteModel):
    """A piece of government information (政府信息) in an organ's catalogue."""

    # Indexes on Item are chosen by the queries that use them: every extra one slows imports and publishing.
    # organ_id is the first column of the composite indexes below, so it needs none of its own.
    organ = models.ForeignKey(
        "organs.Organ", verbose_name=_("issuing organ"), on_delete=models.PROTECT, related_name="items", db_index=False
    )
    # No query selects items by department or by legal reason: those foreign keys need no index of their own
    # (the dashboard's count by department reads department_id from the organ index's INCLUDE columns).
    department = models.ForeignKey(
        "organs.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="items",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True, help_text=_("Cleaned HTML."))
    body_text = models.TextField(editable=False, blank=True, verbose_name=_("body as plain text"))
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="items")
    # Indexed by Meta.indexes (item_category_organ), which also serves the annual report's table 二.
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items", db_index=False)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)  # 发文字号
    date_formed = models.DateField(_("date formed"))  # 成文日期
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    validity = models.CharField(_("validity"), max_length=20, choices=Validity.choices, default=Validity.IN_FORCE)
    validity_changed_on = models.DateField(_("repealed or expired on"), null=True, blank=True)  # 废止日期
    validity_note = models.TextField(_("explanation of repeal or expiry"), blank=True)
    disclosure = models.CharField(_("disclosure attribute"), max_length=20, choices=Disclosure.choices, default=Disclosure.ACTIVE)
    withholding_reason = models.ForeignKey(
        WithholdingReason, verbose_name=_("legal reason"), null=True, blank=True, on_delete=models.PROTECT, related_name="items",
        db_index=False,
    )
    withholding_note = models.TextField(_("reason in detail"), blank=True)
    disclosure_channels = models.CharField(_("disclosure method"), max_length=100, default="政府网站")  # 公开方式
    scope = models.CharField(_("disclosure scope"), max_length=20, choices=Scope.choices, default=Scope.PUBLIC)  # 公开范围
    important = models.BooleanField(_("important matter"), default=False, help_text=_("Needs the principal leader's approval."))
    on_portal = models.BooleanField(_("also on the government portal"), default=True)
    # Interpretations (政策解读)
    interpretation_kind = models.CharField(_("interpretation form"), max_length=10, choices=InterpretationKind.choices, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    interprets = models.ManyToManyField("self", verbose_name=_("interprets"), symmetrical=False, blank=True, related_name="interpretations")
    # Workflow
    state = models.CharField(_("state"), max_length=20, choices=ItemState.choices, default=ItemState.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0, help_text=_("The version the public content corresponds to."))
    revision_state = models.CharField(_("revision"), max_length=20, choices=RevisionState.choices, default="", blank=True)
    changed_on = models.DateField(
        _("date changed"), null=True, blank=True,
        help_text=_("The day a revision of the published item began (Art. 26 counts from it); empty when none is under way."),
    )
    # Unique through Meta.constraints, not unique=True: on PostgreSQL unique=True also builds a
    # varchar_pattern_ops ("_like") index that no query uses (searching index numbers is icontains).
    index_number = models.CharField(_("index number"), max_length=80, null=True, blank=True)  # 索引号
    index_year = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("index number year"))
    index_serial = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("index number serial"))
    published_at = models.DateTimeField(_("date published"), null=True, blank=True)  # 发布日期
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("published by")
    )
    attachments_text = models.TextField(editable=False, blank=True, verbose_name=_("attachments' text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("government information item")
        verbose_name_plural = _("government information items")
        ordering = ["-published_at", "-id"]
        indexes = [
            # An organ's column, newest first; the INCLUDE columns let the statistics dashboard count
            # an organ's year by month, category, topic and department from the index alone (PostgreSQL).
            models.Index(
                fields=["organ", "state", "-published_at"], name="item_organ_state_published",
                include=["category", "topic", "department"],
            ),
            models.Index(fields=["state", "disclosure", "-published_at"]),
            # Filtering by category (portal, API, admin); with the INCLUDE columns the annual report's
            # table 二 counts an organ's rules and normative documents from the index alone.
            models.Index(
                fields=["category", "organ"], name="item_category_organ",
                include=["state", "date_formed", "validity", "validity_changed_on"],
            ),
            # The Art. 26 watch (over/near the publication limit) looks only at unpublished proactive items:
            # a partial index stays small, and publishing or importing published items never touches it.
            models.Index(
                fields=["date_formed"], name="item_unpublished_formed",
                condition=models.Q(disclosure=Disclosure.ACTIVE) & ~models.Q(state__in=[ItemState.PUBLISHED, *ENDED_STATES]),
            ),
            # …and at revisions of published items under way (a handful at any time).
            models.Index(fields=["changed_on"], name="item_revision_changed", condition=~models.Q(revision_state="")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["index_number"], name="item_unique_index_number"),
            models.UniqueConstraint(fields=["organ", "index_year", "index_serial"], name="item_unique_serial"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.state == ItemState.PUBLISHED and self.disclosure == Disclosure.ACTIVE

    @property
    def state_label(self) -> str:
        """The state in words. An approved item that is not disclosed proactively is
        never published: it stays in the register of withheld items."""
        if self.state == ItemState.APPROVED and self.disclosure != Disclosure.ACTIVE:
            return str(_("Approved, not disclosed (kept in the register)"))
        return str(ItemState(self.state).label)

    @property
    def workflow_state(self) -> str:
        """The state the staff act on: the revision's when one is under way."""
        if self.state == ItemState.PUBLISHED and self.revision_state:
            return self.revision_state
        return self.state


class ItemVersion(NoDeleteModel):
    """A frozen version of an item, as submitted for review (and, once
    approved, as published). ``data`` holds every field and the attachments'
    fingerprints; ``content_hash`` is what sign-off decisions approve."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(
        _("submitted at"), null=True, blank=True, help_text=_("Empty while a revision is still being drafted.")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="itemversion_unique_number")]

    def __str__(self) -> str:
        return f"{self.item} " + _("v%(n)s") % {"n": self.number}


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name in a folder per organ and year; the original name is ``Attachment.name``."""
    from gongkai.core.files import random_name

    return random_name("attachments", instance.item.organ_id, filename)


class Attachment(NoDeleteModel):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(editable=False, blank=True)
    is_current = models.BooleanField(default=True, help_text=_("False once removed from the item; kept for earlier versions."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Quarantine: virus scan (when clamd is configured) and text extraction run in a background job.
    check_state = models.CharField(_("check"), max_length=10, choices=FileCheck.choices, default=FileCheck.PENDING)
    check_note = models.CharField(_("check result"), max_length=200, blank=True)

    @property
    def is_clean(self) -> bool:
        """Only a checked file may be served, published or read."""
        return self.check_state == FileCheck.CLEAN

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        """Anyone may download it: it belongs to the published content of a published,
        proactively disclosed item (a repealed item stays published; a withdrawn one does not)."""
        return self.is_current and self.item.is_public


class IndexCounter(models.Model):
    """The last serial given per organ and year; locked while publishing so
    numbers are unique and gap-free."""

    organ = models.ForeignKey("organs.Organ", on_delete=models.PROTECT, related_name="+", verbose_name=_("organ"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last_serial = models.PositiveIntegerField(default=0, verbose_name=_("last serial"))

    class Meta:
        verbose_name = _("index number counter")
        verbose_name_plural = _("index number counters")
        constraints = [models.UniqueConstraint(fields=["organ", "year"], name="indexcounter_unique")]
