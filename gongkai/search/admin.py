"""Administrators edit the synonym list (同义词) here; every change is audited
and applies to the next search."""

from django.contrib import admin

from gongkai.core.admin import NoDeleteAdmin
from gongkai.core.audit import log_action
from gongkai.search.models import SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(NoDeleteAdmin):
    list_display = ("__str__", "note", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("words", "note")
    fields = ("words", "note", "is_active")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        log_action(
            obj, f"search.synonyms.{'changed' if change else 'added'}", by=request.user,
            data={"fields": sorted(form.changed_data), "words": obj.words},
        )
