"""Set-up by the system administrator: the organ tree, departments, people's
roles. Nothing is deleted (deactivate instead); every change is audited."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongkai.core.admin import NoDeleteAdmin
from gongkai.core.audit import log_action
from gongkai.organs.models import Department, Membership, Organ


class AuditedAdmin(NoDeleteAdmin):
    """Writes one audit row per change made in the admin."""

    audit_prefix = "admin"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        organ = obj if isinstance(obj, Organ) else getattr(obj, "organ", None)
        log_action(
            obj, f"{self.audit_prefix}.{'changed' if change else 'added'}", by=request.user, organ=organ,
            data={"fields": sorted(form.changed_data)},
        )


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    can_delete = False
    fields = ("name", "is_unit", "is_active")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ("user", "department", "role", "is_active")
    autocomplete_fields = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and getattr(request, "_organ", None) is not None:
            kwargs["queryset"] = Department.objects.filter(organ=request._organ)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganForm(forms.ModelForm):
    """The organ's own fields. The index number template is checked by the catalogue's admin, which knows
    the template's fields (gongkai.catalogue.admin)."""

    class Meta:
        model = Organ
        fields = ("parent", "index_template")  # the admin adds the rest from its fieldsets

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and parent.path.startswith(self.instance.path or "\0"):
            raise forms.ValidationError(_("An organ cannot be placed under itself or an organ below it."))
        return parent


@admin.register(Organ)
class OrganAdmin(AuditedAdmin):
    form = OrganForm
    audit_prefix = "organs.organ"
    list_display = ("tree_name", "kind", "code", "index_template", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
    ordering = ("path",)
    inlines = [DepartmentInline, MembershipInline]
    fieldsets = (
        (None, {"fields": ("parent", "kind", "name", "short_name", "slug", "code", "index_template", "is_active", "sort")}),
        (_("Disclosure guide (Art. 12)"), {"fields": (
            "office_name", "address", "postcode", "office_hours", "phone", "fax", "email", "website", "functions",
            "head_name", "site_id_code",
        )}),
        (_("Applications"), {"fields": ("draft_reply_days", "letter_number_format", "reconsideration_body", "court")}),
        (_("Sign-in"), {"fields": ("require_second_factor",)}),
    )

    @admin.display(description=_("name"), ordering="path")
    def tree_name(self, obj):
        depth = max(0, obj.path.count(".") - 1)
        return format_html("{}{}", "　" * depth + ("└ " if depth else ""), obj.name)

    def get_form(self, request, obj=None, **kwargs):
        request._organ = obj
        return super().get_form(request, obj, **kwargs)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            log_action(obj, f"admin.{type(obj).__name__.lower()}_saved", by=request.user, organ=form.instance)


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    audit_prefix = "organs.department"
    list_display = ("name", "organ", "is_unit", "is_active")
    list_filter = ("is_unit", "is_active", "organ")
    search_fields = ("name", "organ__name")


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    audit_prefix = "organs.membership"
    list_display = ("user", "organ", "department", "role", "is_active")
    list_filter = ("role", "organ", "is_active")
    search_fields = ("user__username", "user__full_name", "organ__name")
    autocomplete_fields = ("user",)
