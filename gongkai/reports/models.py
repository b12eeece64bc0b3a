"""The annual report (政府信息公开工作年度报告, Art. 49–50, 2021 format).

A report's figures are stored as a flat JSON mapping of cell keys (see
``gongkai.reports.structure``) to values, where ``None`` is a blank cell and
``0`` a zero: real reports contain both and the checks keep them apart."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet
from gongkai.reports import structure


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    CHECKED = "checked", _("Checked")
    SUBMITTED = "submitted", _("Submitted for sign-off")
    APPROVED = "approved", _("Signed off, awaiting publication")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned")


class ReportScope(models.TextChoices):
    ORGAN = "organ", _("Organ report")  # 部门年度报告
    GOVERNMENT = "government", _("Government-wide report")  # 本级政府年度报告（汇总）


class ReportOrigin(models.TextChoices):
    GENERATED = "generated", _("Generated from the platform's records")
    IMPORTED = "imported", _("Imported from a published report")


# The table of allowed moves is ``gongkai.reports.workflow.MOVES``.


# What each audit action of a report is called on its page (the trail stores the code).
ACTION_LABELS = {
    "reports.created": _("Report started"),
    "reports.generated": _("Tables generated from the records"),
    "reports.aggregated": _("Government-wide tables aggregated"),
    "reports.figure_set": _("Figure entered"),
    "reports.texts_edited": _("Text sections edited"),
    "reports.checked": _("Checks run"),
    "reports.checks_overridden": _("Failing checks overridden"),
    "reports.submitted": _("Submitted for sign-off"),
    "reports.withdrawn": _("Withdrawn from sign-off"),
    "reports.signed_off": _("Signed off"),
    "reports.returned_in_signoff": _("Returned in sign-off"),
    "reports.returned_by_supervisor": _("Returned by the supervising office"),
    "reports.published": _("Published"),
    "reports.late_flagged": _("Late publication flagged to the supervising office"),
    "reports.imported": _("Imported from a published report"),
}


def publication_deadline(year: int, scope: str = ReportScope.ORGAN) -> datetime.date:
    """Art. 49: a department publishes last year's report by 31 January, a
    government's supervising office the government's report by 31 March."""
    return datetime.date(year + 1, 3, 31) if scope == ReportScope.GOVERNMENT else datetime.date(year + 1, 1, 31)


def report_file_path(instance: AnnualReport, filename: str) -> str:
    """A random name in a folder per organ and year; the download name is built from the report."""
    from gongkai.core.files import random_name

    return random_name("annual-reports", instance.organ_id, filename)


class AnnualReportQuerySet(NoDeleteQuerySet):
    def for_year(self, year: int) -> AnnualReportQuerySet:
        return self.filter(year=year)

    def official(self) -> AnnualReportQuerySet:
        """Reports made on the platform (one per organ, year and scope), not imported copies."""
        return self.exclude(origin=ReportOrigin.IMPORTED)

    def published(self) -> AnnualReportQuerySet:
        return self.filter(status=ReportStatus.PUBLISHED)


class AnnualReport(NoDeleteModel):
    organ = models.ForeignKey("organs.Organ", verbose_name=_("organ"), on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year reported on"))
    scope = models.CharField(_("scope"), max_length=20, choices=ReportScope.choices, default=ReportScope.ORGAN)
    origin = models.CharField(_("origin"), max_length=20, choices=ReportOrigin.choices, default=ReportOrigin.GENERATED)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    cells = models.JSONField(_("table figures"), default=dict, blank=True)
    # Section texts written by the organ (一、五、六). 二、三、四 are the tables.
    overview = models.TextField(_("一、总体情况"), blank=True)
    problems = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    other_matters = models.TextField(_("六、其他需要报告的事项"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    generated_at = models.DateTimeField(_("figures generated at"), null=True, blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    findings = models.JSONField(_("check findings"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    # Override of failing checks by a named person, with a written reason.
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checks overridden by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.TextField(_("reason for overriding the checks"), blank=True)
    override_at = models.DateTimeField(null=True, blank=True)
    override_hash = models.CharField(max_length=64, blank=True)
    # Imported reports
    imported_from = models.CharField(_("imported from"), max_length=500, blank=True)
    imported_format = models.CharField(_("imported format"), max_length=10, blank=True)
    import_notes = models.JSONField(_("parts that could not be read"), default=list, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(null=True, blank=True)
    # Government-wide reports: which organ reports were aggregated
    sources = models.JSONField(_("aggregated reports"), default=list, blank=True)
    # Publication
    return_comment = models.TextField(_("comments when returned"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_hash = models.CharField(max_length=64, blank=True)
    docx_file = models.FileField(_("DOCX"), upload_to=report_file_path, blank=True, max_length=300)
    pdf_file = models.FileField(_("PDF"), upload_to=report_file_path, blank=True, max_length=300)
    late_flagged_at = models.DateTimeField(_("late publication flagged at"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "organ__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "year", "scope"], condition=~Q(origin="imported"), name="annualreport_one_official"
            )
        ]
        indexes = [models.Index(fields=["year", "status"]), models.Index(fields=["organ", "year"])]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        suffix = "政府信息公开工作年度报告"
        return f"{self.organ.name}{self.year}年{suffix}"

    @property
    def deadline(self) -> datetime.date:
        return publication_deadline(self.year, self.scope)

    @property
    def is_late(self) -> bool:
        """Published after the deadline, or not published and the deadline has passed."""
        from django.utils import timezone

        if self.origin == ReportOrigin.IMPORTED:
            return False  # published elsewhere: the platform does not know when
        if self.published_at:
            return timezone.localdate(self.published_at) > self.deadline
        return timezone.localdate() > self.deadline

    @property
    def is_imported(self) -> bool:
        return self.origin == ReportOrigin.IMPORTED

    def value(self, key: str) -> int | Decimal | None:
        return structure.to_value(key, self.cells.get(key))

    def values(self) -> dict:
        return {key: structure.to_value(key, self.cells.get(key)) for key in structure.ALL_KEYS}

    def text(self, section: str) -> str:
        return {"overview": self.overview, "problems": self.problems, "other": self.other_matters}[section]

    def content_hash(self) -> str:
        payload = {
            "organ": self.organ_id,
            "year": self.year,
            "cells": {k: self.cells.get(k) for k in structure.ALL_KEYS},
            "texts": [self.overview, self.problems, self.other_matters],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    @property
    def failing(self) -> list[dict]:
        return [f for f in self.findings if not f.get("passed")]

    @property
    def override_valid(self) -> bool:
        return bool(self.override_by_id and self.override_hash == self.content_hash())


class FigureSource(models.TextChoices):
    ENTERED = "entered", _("Entered by staff")
    SPREADSHEET = "spreadsheet", _("Imported from a spreadsheet")
    REPORT = "report", _("Read from an imported report")


class ManualFigure(NoDeleteModel):
    """A figure of table 二 the platform does not hold itself (行政许可、行政处罚、
    行政强制 decision counts, 行政事业性收费 in 万元), with where it came from.
    Changes are audited with the old and new value."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="manual_figures")
    code = models.CharField(_("figure"), max_length=20, choices=[(c, structure.T2_BY_CODE[c].label) for c in structure.MANUAL_FIGURES])
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=FigureSource.choices, default=FigureSource.ENTERED)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("figure entered by hand")
        verbose_name_plural = _("figures entered by hand")
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="manualfigure_unique_code")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.value}"


# --- Derived counts for the statistics dashboard -------------------------------------------------


class ItemMonth(models.Model):
    """Derived data, not a record (it may be recounted from the catalogue at any time, so it is not
    kept under the no-deletion rule): whether the dashboard's counts of one organ's items published
    in one month (local time) are current. ``changes`` is raised after every commit that changes the
    month's public items (``catalogue.signals.item_public_changed``, ``items_imported``); the counts
    in ``ItemMonthCount`` are current while ``counted == changes``, else the next dashboard recounts
    the month from the catalogue (``stats.current_item_months``)."""

    organ = models.ForeignKey("organs.Organ", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    changes = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "month"], name="itemmonth_unique")]

    def __str__(self) -> str:
        return f"{self.organ_id} {self.month:%Y-%m}"


class ItemMonthCount(models.Model):
    """Published items of one ``ItemMonth`` with one category, topic and department (derived)."""

    month = models.ForeignKey(ItemMonth, on_delete=models.CASCADE, related_name="counts")
    category = models.ForeignKey("catalogue.Category", on_delete=models.PROTECT, related_name="+", db_index=False)
    topic = models.ForeignKey("catalogue.Topic", on_delete=models.PROTECT, related_name="+", db_index=False)
    department = models.ForeignKey("organs.Department", null=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    items = models.PositiveIntegerField()


class ApplicationMonth(models.Model):
    """Derived data, like ``ItemMonth``: whether the dashboard's counts of one organ's applications of one
    month are current. A month counts the applications *received* in it and those *closed* in it
    (``Application.objects.reportable()``). ``changes`` is raised after every commit that changes them
    (``applications.signals.applications_changed``, sent by the applications' service moves); the counts in
    ``ApplicationMonthCount`` are current while ``counted == changes``, else the next dashboard recounts the
    month from the register (``stats.current_application_months``). The periodic recount
    (``check_application_months``) verifies the months held current and reports drift."""

    organ = models.ForeignKey("organs.Organ", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    changes = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organ", "month"], name="applicationmonth_unique")]

    def __str__(self) -> str:
        return f"{self.organ_id} {self.month:%Y-%m}"


class ApplicationMonthCount(models.Model):
    """Applications of one ``ApplicationMonth`` with one channel, applicant type and outcome (derived):
    ``received`` were received in the month; the others count those closed in it — ``timed`` with a
    statutory deadline, ``timely`` closed by it, ``internal`` with an internal target for the draft
    reply, ``internal_ok`` with a draft reply made by that target."""

    month = models.ForeignKey(ApplicationMonth, on_delete=models.CASCADE, related_name="counts")
    channel = models.CharField(max_length=20)
    applicant_type = models.CharField(max_length=20)
    outcome = models.CharField(max_length=40, blank=True)
    received = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    timely = models.PositiveIntegerField(default=0)
    internal = models.PositiveIntegerField(default=0)
    internal_ok = models.PositiveIntegerField(default=0)
