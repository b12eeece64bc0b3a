"""People and their credentials, managed by the security administrator (duties.py). A superuser alone grants
superuser status or a platform administrator role; every change, unlock and temporary password is audited."""

from axes.admin import AccessAttemptAdmin as BaseAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as BaseAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as BaseAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin as BaseStaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import security
from gongkai.accounts.models import User

SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "admin_role", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Contact"), {"fields": ("full_name", "phone")}),
        (_("Account security"), {"fields": ("admin_role", "must_change_password", "password_changed_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),)
    list_display = ("username", "full_name", "email", "admin_role", "is_active", "is_superuser")
    list_filter = ("admin_role", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email")
    actions = ["unlock"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit trail points at users

    def get_queryset(self, request):
        users = super().get_queryset(request)
        # Nobody but a superuser touches a superuser's account (no password reset, no deactivation).
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = ["password_changed_at", "last_login", "date_joined"]
        if not request.user.is_superuser:
            fields += list(SUPERUSER_ONLY_FIELDS)
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the first password is given by someone else
        super().save_model(request, obj, form, change)
        security.log_account_event(
            obj, "accounts.user_changed" if change else "accounts.user_added", request, by=request.user,
            data={"fields": sorted(form.changed_data)} if change else {},
        )

    def user_change_password(self, request, id, form_url=""):
        """The security administrator sets a temporary password: the person must change it at the next sign-in."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            if user.pk != request.user.pk:
                User.objects.filter(pk=user.pk).update(must_change_password=True)
                axes_reset(username=user.username)
            security.log_account_event(user, "accounts.temporary_password", request, by=request.user)
        return response

    @admin.action(description=_("Lift the sign-in lock of the selected people"), permissions=["change"])
    def unlock(self, request, queryset):
        for user in queryset:
            cleared = axes_reset(username=user.username)
            security.log_account_event(user, "accounts.unlocked", request, by=request.user, data={"attempts_cleared": cleared})
        self.message_user(request, _("The sign-in lock is lifted."), messages.SUCCESS)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(BaseAccessAttemptAdmin):
    """Failed sign-ins still counting; deleting one lifts the lock of that account and address (audited)."""

    actions = []

    def delete_model(self, request, obj):
        self._log_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._log_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _log_unlock(self, request, attempts):
        for attempt in attempts:
            account = User.objects.filter(username=attempt.username).first() or User(username=attempt.username or "")
            security.log_account_event(account, "accounts.unlocked", request, by=request.user,
                                       data={"username": attempt.username, "locked_ip": attempt.ip_address})


class SignInRecordAdmin:
    """The sign-in records the audit administrator reads: nobody deletes them, a superuser neither (django-axes'
    own admin lets a superuser delete them)."""

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessLog)
class AccessLogAdmin(SignInRecordAdmin, BaseAccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SignInRecordAdmin, BaseAccessFailureLogAdmin):
    pass


class DeviceResetMixin:
    """Deleting a person's device makes them enrol again at the next sign-in (lost phone); audited. The list and
    the page show who, which device and when — never the device's secret — under Chinese headings (the
    devices' own fields carry no translatable names)."""

    shown = ("person", "device_name", "created", "last_used", "is_confirmed")
    list_filter = ()
    search_help_text = _("Search by the person's username, name or e-mail address")

    def get_list_display(self, request):
        return self.shown

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.shown})]

    def get_readonly_fields(self, request, obj=None):
        return self.shown

    @admin.display(description=_("person"), ordering="user__username")
    def person(self, obj):
        return obj.user

    @admin.display(description=_("device name"))
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("added at"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    @admin.display(description=_("confirmed"), boolean=True)
    def is_confirmed(self, obj):
        return obj.confirmed

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        security.log_account_event(obj.user, "accounts.second_factor_reset", request, by=request.user,
                                   data={"device": type(obj).__name__})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            security.log_account_event(device.user, "accounts.second_factor_reset", request, by=request.user,
                                       data={"device": type(device).__name__})
        super().delete_queryset(request, queryset)


admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(DeviceResetMixin, BaseTOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class StaticDeviceAdmin(DeviceResetMixin, BaseStaticDeviceAdmin):
    pass
