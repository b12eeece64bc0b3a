from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.api.models import ApiClient
from gongkai.core.admin import NoDeleteAdmin


@admin.register(ApiClient)
class ApiClientAdmin(NoDeleteAdmin):
    list_display = ["name", "organ", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organ"]
    search_fields = ["name", "organ__name", "user__username"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_reason"]
    fields = ["name", "organ", "user", *readonly_fields]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = ApiClient.issue(name=obj.name, organ=obj.organ, user=obj.user, by=request.user)
        obj.pk = client.pk
        obj.key_prefix, obj.key_hash = client.key_prefix, client.key_hash
        messages.warning(
            request, _("The key of %(name)s is %(key)s — copy it now; it is not shown again.") % {"name": client.name, "key": key}
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            client.revoke(by=request.user, reason=_("Revoked in the admin"))
        self.message_user(request, _("Revoked %(count)d keys.") % {"count": queryset.count()})
