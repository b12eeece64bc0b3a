from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.core.admin import NoDeleteAdmin
from gongkai.credentials.models import Credential


@admin.register(Credential)
class CredentialAdmin(NoDeleteAdmin):
    list_display = ["name", "purpose", "organ", "user", "key_prefix", "key_issued_at", "last_used_at", "revoked_at"]
    list_filter = ["purpose", "organ"]
    search_fields = ["name", "organ__name", "user__username"]
    readonly_fields = ["key_prefix", "key_issued_at", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by",
                       "revoked_reason", "moved_from"]
    fields = ["name", "purpose", "organ", "user", "organs", "all_organs", *readonly_fields]
    filter_horizontal = ["organs"]
    actions = ["rotate", "revoke"]

    def get_readonly_fields(self, request, obj=None):
        # a key's purpose is fixed once issued: a new purpose is a new key
        return [*self.readonly_fields, "purpose"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        credential, key = Credential.issue(name=obj.name, purpose=obj.purpose, organ=obj.organ, user=obj.user,
                                           all_organs=obj.all_organs, by=request.user)
        obj.pk = credential.pk
        for field in ("key_prefix", "key_hash", "key_issued_at", "created_at", "created_by"):
            setattr(obj, field, getattr(credential, field))
        messages.warning(
            request, _("The key of %(name)s is %(key)s — copy it now; it is not shown again.") % {"name": credential.name, "key": key}
        )

    @admin.action(description=gettext_lazy("Issue a new key (shown once)"))
    def rotate(self, request, queryset):
        for credential in queryset.active():
            key = credential.rotate(by=request.user, reason=_("Replaced in the admin"))
            self.message_user(request, _("Key for %(name)s: %(key)s") % {"name": credential.name, "key": key}, messages.WARNING)

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for credential in queryset:
            credential.revoke(by=request.user, reason=_("Revoked in the admin"))
        self.message_user(request, _("Revoked %(count)d keys.") % {"count": queryset.count()})
