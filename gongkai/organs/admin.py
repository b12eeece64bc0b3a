from django.contrib import admin

from gongkai.core.admin import NoDeleteAdmin
from gongkai.organs.models import Department, Membership, Organ


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    can_delete = False


@admin.register(Organ)
class OrganAdmin(NoDeleteAdmin):
    list_display = ("name", "kind", "parent", "code", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {}
    inlines = [DepartmentInline]


@admin.register(Membership)
class MembershipAdmin(NoDeleteAdmin):
    list_display = ("user", "organ", "department", "role", "is_active")
    list_filter = ("role", "organ", "is_active")
    search_fields = ("user__username", "user__full_name", "organ__name")
    autocomplete_fields = ("user",)
