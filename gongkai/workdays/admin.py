"""Administration of the working-day calendar, for superusers only: the years
loaded, the day overrides, a page to upload a holiday-cn file with a preview of
every day whose status changes, and a form to override one day."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from gongkai.core.admin import NoDeleteAdmin
from gongkai.core.errors import DomainError
from gongkai.workdays import calendar, services
from gongkai.workdays.forms import DayForm, HolidayFileForm
from gongkai.workdays.models import CalendarYear, DayOverride

HORIZON_YEARS = 1


def warn_missing_years(request: HttpRequest) -> list[int]:
    missing = calendar.missing_years(HORIZON_YEARS)
    if missing:
        messages.warning(
            request,
            _(
                "No holiday schedule for %(years)s: deadlines falling in these years count Monday–Friday only and are "
                "shown as provisional. Load the year's holiday-cn file when the State Council publishes it."
            )
            % {"years": "、".join(str(y) for y in missing)},
        )
    return missing


class SuperuserOnly:
    """The calendar is the system administrator's (accounts.duties) or a superuser's."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("workdays.view_calendaryear")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_active and request.user.has_perm("workdays.view_calendaryear")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(SuperuserOnly, NoDeleteAdmin):
    list_display = ("year", "source", "reason", "note", "loaded_at", "loaded_by")
    readonly_fields = ("year", "source", "reason", "note", "loaded_at", "loaded_by", "raw")
    change_list_template = "workdays/calendaryear_changelist.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="workdays_calendaryear_upload"),
            path("day/", self.admin_site.admin_view(self.day_view), name="workdays_calendaryear_day"),
        ] + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        warn_missing_years(request)
        extra = {"package_years": f"{min(calendar.PACKAGE_YEARS)}–{max(calendar.PACKAGE_YEARS)}", **(extra_context or {})}
        return super().changelist_view(request, extra)

    def _require_superuser(self, request: HttpRequest) -> None:
        if not request.user.has_perm("workdays.change_calendaryear"):
            raise PermissionDenied

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        self._require_superuser(request)
        plan = None
        form = HolidayFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(services.MAX_FILE_BYTES + 1) if upload else form.cleaned_data["content"].encode("utf-8")
            try:
                if not content:
                    raise DomainError(_("Choose a file."), field="file")
                if "apply" in request.POST:
                    if not form.cleaned_data["reason"].strip():
                        raise DomainError(_("Say why the schedule is loaded (e.g. the State Council notice)."), field="reason")
                    plan = services.load_holiday_cn(content, by=request.user, reason=form.cleaned_data["reason"])
                    messages.success(
                        request,
                        _("The %(year)s schedule is loaded: %(n)s days changed status; running deadlines are being recomputed.")
                        % {"year": plan.year, "n": len(plan.changes)},
                    )
                    return redirect(reverse("admin:workdays_calendaryear_changelist"))
                plan = services.preview_holiday_cn(content)
                form = HolidayFileForm(initial={"content": content.decode("utf-8-sig"), "reason": form.cleaned_data["reason"]})
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                plan = None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Load a year's holiday schedule"),
            "form": form,
            "plan": plan,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "workdays/upload.html", context)

    def day_view(self, request: HttpRequest) -> HttpResponse:
        self._require_superuser(request)
        form = DayForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                change = services.set_day(data["date"], data["is_working"], data["name"], by=request.user, reason=data["reason"])
                messages.success(request, _("%(date)s is now set. Running deadlines are being recomputed.") % {"date": change.date})
                return redirect(reverse("admin:workdays_dayoverride_changelist"))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        context = {**self.admin_site.each_context(request), "title": _("Override one day"), "form": form, "opts": self.model._meta}
        return TemplateResponse(request, "workdays/day.html", context)


@admin.register(DayOverride)
class DayOverrideAdmin(SuperuserOnly, NoDeleteAdmin):
    list_display = ("date", "is_working", "name", "source", "reason", "changed_at", "changed_by")
    list_filter = ("source", "is_working")
    date_hierarchy = "date"
    readonly_fields = ("date", "is_working", "name", "source", "reason", "changed_at", "changed_by")
    change_list_template = "workdays/dayoverride_changelist.html"
