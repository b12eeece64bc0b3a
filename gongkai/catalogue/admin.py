"""Configuration of the catalogue (topics, categories, legal reasons) by the
system administrator. Items are changed only through the workflow in the
workspace, so the admin shows them read-only."""

from django import forms
from django.contrib import admin

from gongkai.catalogue.index_numbers import validate_template
from gongkai.catalogue.models import Category, IndexCounter, Item, Topic, WithholdingReason
from gongkai.core.admin import NoDeleteAdmin
from gongkai.core.errors import DomainError
from gongkai.organs import admin as organs_admin
from gongkai.organs.admin import AuditedAdmin
from gongkai.organs.models import Organ


class OrganForm(organs_admin.OrganForm):
    """An organ's index number template must give unique numbers: the catalogue numbers its items with it."""

    def clean_index_template(self):
        template = self.cleaned_data["index_template"]
        try:
            validate_template(template)
        except DomainError as error:
            raise forms.ValidationError(error.message)
        return template


admin.site.unregister(Organ)


@admin.register(Organ)
class OrganAdmin(organs_admin.OrganAdmin):
    form = OrganForm


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    audit_prefix = "catalogue.topic"
    list_display = ("__str__", "code", "sort", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("name", "code")
    ordering = ("code",)


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    audit_prefix = "catalogue.category"
    list_display = ("name", "code", "is_policy", "is_interpretation", "annual_report_row", "statutory_group", "sort", "is_active")
    list_filter = ("is_policy", "is_interpretation", "statutory_group", "is_active")
    list_editable = ("statutory_group", "sort")
    search_fields = ("name", "code")


@admin.register(WithholdingReason)
class WithholdingReasonAdmin(AuditedAdmin):
    audit_prefix = "catalogue.reason"
    list_display = ("text", "article", "applies_to", "sort", "is_active")
    list_filter = ("applies_to", "is_active")
    search_fields = ("text", "article")


@admin.register(Item)
class ItemAdmin(NoDeleteAdmin):
    list_display = ("title", "organ", "category", "state", "index_number", "published_at")
    list_filter = ("state", "disclosure", "validity", "category")
    search_fields = ("title", "document_number", "index_number")
    list_select_related = ("organ", "category")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndexCounter)
class IndexCounterAdmin(NoDeleteAdmin):
    list_display = ("organ", "year", "last_serial")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
