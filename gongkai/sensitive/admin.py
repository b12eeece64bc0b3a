from django.contrib import admin

from gongkai.core.admin import NoDeleteAdmin
from gongkai.organs.admin import AuditedAdmin
from gongkai.sensitive.models import Finding, SensitiveWord


@admin.register(SensitiveWord)
class SensitiveWordAdmin(AuditedAdmin):
    audit_prefix = "sensitive.word"
    list_display = ("word", "note", "is_active")
    list_filter = ("is_active",)
    search_fields = ("word", "note")


@admin.register(Finding)
class FindingAdmin(NoDeleteAdmin):
    """Findings are resolved in the workspace by the confidentiality reviewer; here they are only listed."""

    list_display = ("match", "kind", "where", "version", "status", "resolved_by", "found_at")
    list_filter = ("kind", "status")
    search_fields = ("match", "context")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
