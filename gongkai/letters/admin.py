from django.contrib import admin

from gongkai.core.admin import NoDeleteAdmin
from gongkai.letters.models import LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(NoDeleteAdmin):
    """Read-only here: wording is changed through the workspace editor
    (gongkai.letters.services), which checks placeholders and audits."""

    list_display = ("kind", "organ", "title", "is_active", "updated_at", "updated_by")
    list_filter = ("kind", "is_active")
    readonly_fields = [f.name for f in LetterTemplate._meta.fields]

    def has_add_permission(self, request):
        return False
