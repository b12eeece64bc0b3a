"""Website health (网站健康): the sites whose links are checked, the runs of the link checker and the broken links
(断链) they found, the freshness thresholds of an organ's columns (栏目更新) and the availability probes behind the
veto watch (单项否决).

Nothing is deleted: a broken link that is fixed keeps its row (``fixed_in_run``); one marked as a false positive
keeps its mark, and its reason, for every later run."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet


def url_key(url: str) -> str:
    """A fixed-length key for an address of any length (unique per site)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


class Site(NoDeleteModel):
    """A site checked for broken links on behalf of an organ: its public column on this platform, or a further
    site the organ names (an old site it still runs, a subject site)."""

    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    start_url = models.URLField(_("start address"), max_length=500)
    is_own_column = models.BooleanField(_("the organ's column on this platform"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checked site")
        verbose_name_plural = _("checked sites")
        ordering = ["organ", "-is_own_column", "name"]
        constraints = [models.UniqueConstraint(fields=["organ", "start_url"], name="webhealth_site_unique_url")]

    def __str__(self) -> str:
        return self.name


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


ACTIVE_STATES = (RunState.QUEUED, RunState.RUNNING)


class RunQuerySet(NoDeleteQuerySet):
    def active(self) -> RunQuerySet:
        return self.filter(state__in=ACTIVE_STATES)

    def finished(self) -> RunQuerySet:
        return self.filter(state=RunState.FINISHED)


class Run(NoDeleteModel):
    """One crawl and check of a site (链接检查). At most one run of a site is queued or running at a time (a
    constraint of the database, so two requests cannot both start one)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="runs")
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")  # None: the schedule
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    pages_crawled = models.PositiveIntegerField(_("pages crawled"), default=0)
    addresses_found = models.PositiveIntegerField(_("addresses found"), default=0)
    addresses_done = models.PositiveIntegerField(_("addresses checked"), default=0)
    links_found = models.PositiveIntegerField(_("links found"), default=0)
    broken_count = models.PositiveIntegerField(_("broken links"), default=0)
    new_count = models.PositiveIntegerField(_("new broken links"), default=0)
    fixed_count = models.PositiveIntegerField(_("fixed links"), default=0)
    skipped_count = models.PositiveIntegerField(_("addresses skipped"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects = RunQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = _("link-check run")
        verbose_name_plural = _("link-check runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["site"], condition=Q(state__in=["queued", "running"]),
                                    name="webhealth_one_active_run_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.site} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def percent_done(self) -> int:
        if self.state == RunState.FINISHED:
            return 100
        return min(99, self.addresses_done * 100 // self.addresses_found) if self.addresses_found else 0


# What the checker reports (checker.ErrorKind), in the reader's words.
ERROR_LABELS = {
    "dns": _("No such host"),
    "connect": _("Connection refused"),
    "tls": _("Certificate or encryption error"),
    "timeout": _("No answer in time"),
    "http-4xx": _("Page not found or refused"),
    "http-5xx": _("Server error"),
    "too-many-redirects": _("Too many redirects"),
    "redirect-loop": _("Redirect loop"),
    "soft-404": _("Page says it does not exist"),
    "bad-fragment": _("No such place in the page"),
    "malformed-url": _("Malformed address"),
    "other": _("Other error"),
}


class BrokenLinkQuerySet(NoDeleteQuerySet):
    def current(self) -> BrokenLinkQuerySet:
        """Broken at the last run that saw them, not fixed since, not marked as a false positive."""
        return self.filter(fixed_in_run__isnull=True, is_false_positive=False)

    def false_positives(self) -> BrokenLinkQuerySet:
        return self.filter(is_false_positive=True)


class BrokenLink(NoDeleteModel):
    """A broken link (断链) of a site: its address, what was wrong, the pages that contain it (with the catalogue item
    and column when the page is one), when it was first and last seen broken and the run that found it fixed."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="broken_links")
    url = models.TextField(_("address"))
    url_key = models.CharField(max_length=64, editable=False)
    status = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=30)
    detail = models.TextField(_("detail"), blank=True)
    pages = models.JSONField(_("pages containing it"), default=list)  # [{"url", "text", "item": id or None}]
    first_seen_run = models.ForeignKey(Run, verbose_name=_("first seen"), on_delete=models.PROTECT, related_name="+")
    broken_since_run = models.ForeignKey(Run, verbose_name=_("broken since"), on_delete=models.PROTECT, related_name="+")
    last_seen_run = models.ForeignKey(Run, verbose_name=_("last seen"), on_delete=models.PROTECT, related_name="+")
    fixed_in_run = models.ForeignKey(Run, verbose_name=_("fixed in"), null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    is_false_positive = models.BooleanField(_("false positive"), default=False)
    false_positive_reason = models.CharField(_("reason"), max_length=300, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    notified_items = models.JSONField(default=list, editable=False)  # items whose owner was told, since broken_since

    objects = BrokenLinkQuerySet.as_manager()  # type: ignore[misc]  # see core.models.NoDeleteModel

    class Meta:
        verbose_name = _("broken link")
        verbose_name_plural = _("broken links")
        ordering = ["url"]
        constraints = [models.UniqueConstraint(fields=["site", "url_key"], name="webhealth_broken_link_unique_url")]

    def __str__(self) -> str:
        return self.url

    @property
    def error_label(self) -> str:
        return str(ERROR_LABELS.get(self.error, self.error))

    @property
    def item_ids(self) -> list[int]:
        return sorted({page["item"] for page in self.pages if page.get("item")})


class ColumnSetting(NoDeleteModel):
    """How long a column of an organ may go without an update before the inspection counts it idle (栏目不更新).
    ``category`` None is the organ's column home page (首页)."""

    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("catalogue.Category", verbose_name=_("column"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    threshold_days = models.PositiveSmallIntegerField(_("longest time without an update (days)"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("column threshold")
        verbose_name_plural = _("column thresholds")
        constraints = [
            models.UniqueConstraint(fields=["organ", "category"], name="webhealth_column_setting_unique"),
            models.UniqueConstraint(fields=["organ"], condition=Q(category__isnull=True),
                                    name="webhealth_column_setting_unique_home"),
        ]


class Probe(NoDeleteModel):
    """One availability probe (可用性监测) of a public page of an organ."""

    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    url = models.CharField(_("address"), max_length=500)
    at = models.DateTimeField(_("probed at"), db_index=True)
    ok = models.BooleanField(_("reachable"))
    status = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("answer time (ms)"), default=0)

    class Meta:
        verbose_name = _("availability probe")
        verbose_name_plural = _("availability probes")
        indexes = [models.Index(fields=["organ", "at"], name="webhealth_probe_organ_at")]


class VetoWarning(NoDeleteModel):
    """A veto risk someone was told about (预警): one row per organ, risk and the day it breaches, so the daily job
    tells each risk once."""

    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("risk"), max_length=80)
    breach_on = models.DateField(_("breaches on"))
    warned_at = models.DateTimeField(_("warned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("veto warning")
        verbose_name_plural = _("veto warnings")
        constraints = [models.UniqueConstraint(fields=["organ", "key", "breach_on"], name="webhealth_warning_once")]
