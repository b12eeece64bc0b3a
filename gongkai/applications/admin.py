from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gongkai.applications.api import issue_key
from gongkai.applications.models import ApiChannel, Appeal, Application
from gongkai.core.admin import NoDeleteAdmin


@admin.register(Application)
class ApplicationAdmin(NoDeleteAdmin):
    """Read-only: applications change only through the workspace (services, audit)."""

    list_display = ("tracking_number", "organ", "channel", "applicant_type", "status", "received_on", "due_on", "closed_on", "outcome")
    list_filter = ("status", "channel", "applicant_type", "outcome")
    search_fields = ("tracking_number", "subject", "applicant_name")
    date_hierarchy = "received_on"
    # Personal data is read on the staff case page only, masked by role, in full only by the audited unmask action.
    exclude = ("id_number", "phone", "email", "address", "id_number_bidx", "phone_bidx", "secret")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(NoDeleteAdmin):
    list_display = ("organ", "kind", "result", "filed_on", "decided_on", "case_number", "application")
    list_filter = ("kind", "result")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiChannel)
class ApiChannelAdmin(NoDeleteAdmin):
    list_display = ("name", "key_prefix", "all_organs", "is_active", "created_at")
    filter_horizontal = ("organs",)
    fields = ("name", "organs", "all_organs", "is_active")
    actions = ["new_key"]

    @admin.action(description=_("Issue a new key (shown once)"))
    def new_key(self, request, queryset):
        for channel in queryset:
            key = issue_key(channel, by=request.user)
            self.message_user(request, _("Key for %(name)s: %(key)s") % {"name": channel.name, "key": key}, messages.WARNING)

    def save_model(self, request, obj, form, change):
        if not obj.pk:
            import secrets

            obj.key_prefix, obj.key_hash = secrets.token_hex(4), "!"  # no valid key until one is issued
        super().save_model(request, obj, form, change)
