from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import AuditEvent


class NoDeleteAdmin(admin.ModelAdmin):
    """Admin for records that are never hard-deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


class ActionFilter(admin.SimpleListFilter):
    """The actions the apps name in words (``core.audit.register_action_labels``), by those words."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        from gongkai.core.audit import labelled_actions

        return sorted(labelled_actions().items(), key=lambda pair: str(pair[1]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(NoDeleteAdmin):
    list_display = ("at", "actor", "organ", "what", "target_repr", "reason")
    list_filter = (ActionFilter,)
    search_fields = ("target_repr", "actor_name", "reason")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description=_("actor"), ordering="actor_name")
    def actor(self, event):
        return event.actor_label

    @admin.display(description=_("action"), ordering="action")
    def what(self, event):
        return event.action_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
