"""Sign-off chains per organ and kind, with their steps inline. Running
sign-offs keep the steps they were opened with; the records of decisions
are read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongkai.core.admin import NoDeleteAdmin
from gongkai.core.audit import log_action
from gongkai.signoff.models import Chain, ChainStep, Signoff, SignoffDecision


class ChainStepInline(admin.TabularInline):
    model = ChainStep
    extra = 1
    can_delete = True  # steps are configuration; the change is audited and running sign-offs keep their copy
    fields = ("position", "role", "only_if_important")
    ordering = ("position",)


@admin.register(Chain)
class ChainAdmin(NoDeleteAdmin):
    list_display = ("organ", "kind", "step_list")
    list_filter = ("kind",)
    search_fields = ("organ__name",)
    inlines = [ChainStepInline]

    @admin.display(description=_("steps"))
    def step_list(self, obj):
        return " → ".join(
            f"{s.get_role_display()}{'*' if s.only_if_important else ''}" for s in obj.steps.order_by("position")
        )

    def save_related(self, request, form, formsets, change):
        old = list(form.instance.steps.order_by("position").values_list("role", "only_if_important")) if change else []
        super().save_related(request, form, formsets, change)
        new = list(form.instance.steps.order_by("position").values_list("role", "only_if_important"))
        log_action(form.instance, "signoff.chain_changed", by=request.user, organ=form.instance.organ,
                   data={"old": [list(s) for s in old], "new": [list(s) for s in new]})


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = SignoffDecision
    extra = 0
    can_delete = False
    fields = ("position", "role", "decided_by", "decision", "comment", "content_hash", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Signoff)
class SignoffAdmin(ReadOnlyAdmin):
    list_display = ("subject_title", "organ", "kind", "version", "status", "current_role", "submitted_at")
    list_filter = ("kind", "status")
    search_fields = ("subject_title", "organ__name")
    inlines = [DecisionInline]
