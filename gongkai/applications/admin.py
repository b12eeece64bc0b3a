from django.contrib import admin

from gongkai.applications.models import Appeal, Application
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
