from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongkai.core.admin import NoDeleteAdmin
from gongkai.core.errors import DomainError
from gongkai.notify import services
from gongkai.notify.events import EVENTS
from gongkai.notify.models import Notification


class EventFilter(admin.SimpleListFilter):
    """Events by their names in words."""

    title = pgettext_lazy("notification", "event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(code, event.label) for code, event in EVENTS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(NoDeleteAdmin):
    list_display = ("created_at", "channel", "recipient_name", "masked_address", "event_label", "subject", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "channel", EventFilter)
    search_fields = ("recipient_name", "subject")  # the address is encrypted
    # The address is personal data (encrypted at rest): shown masked only. The attached file is named, never linked:
    # stored files are downloaded only through the views that check access.
    exclude = ("address", "attachment")
    readonly_fields = [f.name for f in Notification._meta.fields if f.name not in ("address", "attachment")] + ["masked_address"]
    actions = ["send_again"]

    @admin.display(description=pgettext_lazy("notification", "event"), ordering="event")
    def event_label(self, obj):
        event = EVENTS.get(obj.event)
        return event.label if event is not None else obj.event

    def has_add_permission(self, request):
        return False

    @admin.display(description=pgettext_lazy("notification", "address"))
    def masked_address(self, obj):
        return obj.masked_address

    @admin.action(description=_("Send the selected failed notifications again"))
    def send_again(self, request, queryset):
        done = 0
        for row in queryset:
            try:
                services.requeue(row, by=request.user, reason="admin")
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{row.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)s notifications queued again.") % {"n": done})
