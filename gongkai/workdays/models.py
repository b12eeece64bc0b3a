from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.core.models import NoDeleteModel


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", pgettext_lazy("calendar", "chinesecalendar package")
    HOLIDAY_CN = "holiday-cn", pgettext_lazy("calendar", "holiday-cn JSON file")
    MANUAL = "manual", pgettext_lazy("calendar", "entered by an administrator")


class CalendarYear(NoDeleteModel):
    """A year whose holiday schedule an administrator has loaded. Years known to
    the chinesecalendar package need no row; a row overrides or extends it."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("calendar", "year"), unique=True)
    source = models.CharField(pgettext_lazy("calendar", "source"), max_length=20, choices=CalendarSource.choices)
    note = models.CharField(pgettext_lazy("calendar", "note"), max_length=200, blank=True)
    reason = models.CharField(
        pgettext_lazy("calendar", "reason"), max_length=300, blank=True,
        help_text=pgettext_lazy("calendar", "Why the schedule was loaded, as typed at the upload (also in the audit trail)."),
    )
    loaded_at = models.DateTimeField(pgettext_lazy("calendar", "loaded at"), auto_now=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("loaded by"))
    raw = models.JSONField(pgettext_lazy("calendar", "file as loaded"), default=dict, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("calendar", "calendar year")
        verbose_name_plural = pgettext_lazy("calendar", "calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class DayOverride(NoDeleteModel):
    """One day whose status differs from Monday–Friday: a public holiday on a
    weekday, or a make-up working weekend (调休)."""

    date = models.DateField(pgettext_lazy("calendar", "date"), unique=True)
    is_working = models.BooleanField(pgettext_lazy("calendar", "working day"))
    name = models.CharField(pgettext_lazy("calendar", "name"), max_length=60, blank=True)
    source = models.CharField(pgettext_lazy("calendar", "source"), max_length=20, choices=CalendarSource.choices)
    changed_at = models.DateTimeField(auto_now=True, verbose_name=_("changed at"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by"))
    reason = models.CharField(
        pgettext_lazy("calendar", "reason"), max_length=300, blank=True,
        help_text=pgettext_lazy("calendar", "Why the day was last changed, as typed (also in the audit trail)."),
    )

    class Meta:
        verbose_name = pgettext_lazy("calendar", "calendar day")
        verbose_name_plural = pgettext_lazy("calendar", "calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_working else '休'} {self.name}"
