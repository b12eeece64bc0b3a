from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet


class OrganKind(models.TextChoices):
    GOVERNMENT = "government", _("People's government")  # 人民政府: has a portal and supervises organs below
    DEPARTMENT = "department", _("Government department")  # 政府工作部门
    TOWN = "town", _("Town or sub-district")  # 乡镇、街道
    OTHER = "other", _("Other organ")


DEFAULT_INDEX_TEMPLATE = "{organ_code}/{year}-{serial:05d}"

# The public column of an organ lives at /<slug>/, so a slug may not take the place of another root path.
RESERVED_SLUGS = frozenset(
    {"admin", "accounts", "i18n", "api", "workspace", "apply", "annual-reports", "media", "files", "static", "search",
     "feed", "sitemap.xml", "healthz", "readyz", "metrics", "robots.txt", "favicon.ico", "interact", "statistics"}
)


def validate_letter_number_format(value: str) -> None:
    """A letter number format names {serial} and {year} and only the fields {organ}, {year} and {serial}."""
    try:
        sample = value.format(organ="某", year=2026, serial=1)
    except (KeyError, IndexError, ValueError):
        raise ValidationError(_("Use only the fields {organ}, {year} and {serial}.")) from None
    if "{serial}" not in value or "{year}" not in value or not sample.strip():
        raise ValidationError(_("The letter number needs {year} and {serial}."))


def validate_slug_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS or value.lower().startswith("sitemap"):
        raise ValidationError(_("“%(slug)s” is used by the platform itself; choose another web address name.") % {"slug": value})


class OrganQuerySet(NoDeleteQuerySet):
    def active(self) -> OrganQuerySet:
        return self.filter(is_active=True)

    def below(self, organ: Organ) -> OrganQuerySet:
        """The organ and every organ under it in the tree."""
        return self.filter(path__startswith=organ.path)


class Organ(NoDeleteModel):
    """An organ (机关) publishing government information. Organs form a tree:
    a city government with its bureaus and towns below it."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent organ"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, verbose_name=_("tree path"))
    kind = models.CharField(_("kind"), max_length=20, choices=OrganKind.choices, default=OrganKind.DEPARTMENT)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("web address name"), max_length=40, unique=True, validators=[validate_slug_not_reserved])
    code = models.CharField(
        _("organ code"), max_length=40, unique=True, help_text=_("Used in index numbers, e.g. the unified social credit code.")
    )
    index_template = models.CharField(
        _("index number template"),
        max_length=120,
        default=DEFAULT_INDEX_TEMPLATE,
        help_text=_("Fields: {organ_code} {year} {month} {category} {serial:05d}"),
    )
    # Disclosure guide (指南, Art. 12) data
    office_name = models.CharField(_("disclosure office"), max_length=100, blank=True)
    address = models.CharField(_("office address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    fax = models.CharField(_("fax"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    functions = models.TextField(_("functions"), blank=True)
    head_name = models.CharField(_("head of organ"), max_length=50, blank=True)
    site_id_code = models.CharField(_("website identification code"), max_length=20, blank=True)  # 网站标识码
    draft_reply_days = models.PositiveSmallIntegerField(
        _("internal target for a draft reply (working days)"), default=5
    )
    # Letters (告知书): the serial number (文号) and the remedies named in them
    letter_number_format = models.CharField(
        _("letter number format"), max_length=60, default="{organ}依公〔{year}〕{serial}号",
        validators=[validate_letter_number_format],
        help_text=_("Fields: {organ} (the short name) {year} {serial}, e.g. 某政信公〔{year}〕{serial}号."),
    )
    reconsideration_body = models.CharField(
        _("administrative reconsideration body"), max_length=100, blank=True,
        help_text=_("Named in reply letters. Empty: the people's government the organ belongs to (for a government, the one above it)."),
    )
    court = models.CharField(
        _("court for administrative litigation"), max_length=100, blank=True,
        help_text=_("Named in reply letters. Empty: “the people's court having jurisdiction”."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveIntegerField(_("order"), default=0)
    require_second_factor = models.BooleanField(
        _("second factor required"), default=False,
        help_text=_("Staff of this organ must confirm each sign-in with a one-time code from an authenticator app."),
    )

    objects = OrganQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organs")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.pk:
            super().save(*args, **kwargs)
            kwargs = {k: v for k, v in kwargs.items() if k != "force_insert"}
        self.path = (self.parent.path if self.parent_id else "") + f"{self.pk:06d}."
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestors(self) -> models.QuerySet[Organ]:
        ids = [int(p) for p in self.path.strip(".").split(".") if p]
        return Organ.objects.filter(pk__in=ids[:-1]).order_by("path")

    @property
    def government(self) -> Organ | None:
        """The nearest government at or above this organ: whose portal carries its items."""
        if self.kind == OrganKind.GOVERNMENT:
            return self
        for organ in reversed(list(self.ancestors())):
            if organ.kind == OrganKind.GOVERNMENT:
                return organ
        return None


class Department(NoDeleteModel):
    """A department (科室) or subordinate unit (下属单位) of an organ."""

    organ = models.ForeignKey(Organ, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=100)
    duties = models.TextField(_("duties"), blank=True, help_text=_("Shown on the public organisation page (机构信息)."))
    is_unit = models.BooleanField(_("subordinate unit"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organ", "name"]
        constraints = [models.UniqueConstraint(fields=["organ", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")  # 经办人
    DEPARTMENT_HEAD = "department_head", _("Department head")  # 科室负责人
    DEPUTY_LEADER = "deputy_leader", _("Deputy leader")  # 分管领导
    PRINCIPAL_LEADER = "principal_leader", _("Principal leader")  # 主要领导
    DISCLOSURE_OFFICE = "disclosure_office", _("Disclosure office")  # 公开办
    CONFIDENTIALITY_REVIEWER = "confidentiality_reviewer", _("Confidentiality reviewer")  # 保密审查员
    WEB_ADMIN = "web_admin", _("Web administrator")  # 网站管理员


class MembershipQuerySet(NoDeleteQuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organ__is_active=True, user__is_active=True)


class Membership(NoDeleteModel):
    """A person holds one role in one organ (optionally in one department).
    A person may hold several roles in several organs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    organ = models.ForeignKey(Organ, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="memberships")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organ", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["organ", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.organ.display_name} · {self.get_role_display()}"


class ColumnTextKind(models.TextChoices):
    """The pages of an organ's disclosure column whose text the organ writes itself."""

    RULES = "rules", _("Disclosure rules")  # 政府信息公开制度


class ColumnText(NoDeleteModel):
    """A version of an organ's own text on its disclosure column (政府信息公开制度). Every save adds a
    version; the newest is shown and the older ones stay as the page's history."""

    organ = models.ForeignKey(Organ, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="column_texts")
    kind = models.CharField(_("page"), max_length=20, choices=ColumnTextKind.choices)
    body = models.TextField(_("text"), help_text=_("Cleaned HTML."))
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("column text")
        verbose_name_plural = _("column texts")
        ordering = ["organ", "kind", "-pk"]
        indexes = [models.Index(fields=["organ", "kind", "-id"], name="columntext_latest")]

    def __str__(self) -> str:
        return f"{self.organ.display_name} · {self.get_kind_display()}"


class LeaderQuerySet(NoDeleteQuerySet):
    def shown(self):
        return self.filter(is_active=True)


class Leader(NoDeleteModel):
    """A leader of an organ on its public leadership page (领导信息): name, post and the work they are
    responsible for (分工). Taken off the page by deactivation, never deleted."""

    organ = models.ForeignKey(Organ, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="leaders")
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100)
    duties = models.TextField(_("responsibilities"), blank=True)
    sort = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = LeaderQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["organ", "sort", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"
