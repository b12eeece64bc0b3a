from django.contrib import admin

from gongkai.core.models import AuditEvent


class NoDeleteAdmin(admin.ModelAdmin):
    """Admin for records that are never hard-deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteAdmin):
    list_display = ("at", "actor_name", "organ", "action", "target_repr", "reason")
    list_filter = ("action",)
    search_fields = ("target_repr", "actor_name", "reason")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
