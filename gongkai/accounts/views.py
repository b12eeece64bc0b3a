"""Signing in and out, the password (change, reset by e-mail link, forced change), the second factor (enrolment,
confirmation, recovery codes) and the lockout page. Sign-in events are audited in signals.py."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import security
from gongkai.accounts.duties import is_audit_reader
from gongkai.accounts.forms import EnrolForm, OneTimeCodeForm
from gongkai.accounts.models import AdminRole

RECOVERY_CODES = 10
SESSION_NEW_CODES = "_gk_recovery_codes"


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def start(request):
    """Where a sign-in lands: the administrators at their own screens, everyone else in the workspace."""
    user = request.user
    if user.admin_role == AdminRole.AUDIT:
        return redirect("workspace:audit_trail")
    if user.admin_role in (AdminRole.SYSTEM, AdminRole.SECURITY):
        return redirect("admin:index")
    return redirect("workspace:home")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in while the account or the address is locked (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    until = timezone.localtime(timezone.now() + cool_off)
    return render(request, "accounts/locked_out.html", {
        "until": until, "minutes": int(cool_off.total_seconds() // 60), "limit": settings.AXES_FAILURE_LIMIT,
    }, status=429)


# --- Password -------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:start")

    def form_valid(self, form):
        response = super().form_valid(form)  # saves and keeps this session signed in (its key changes)
        user = form.user
        get_user_model().objects.filter(pk=user.pk).update(
            must_change_password=False, current_session_key=self.request.session.session_key or "")
        security.log_account_event(user, "accounts.password_changed", self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def form_valid(self, form):
        for user in form.get_users(form.cleaned_data["email"]):
            security.log_account_event(user, "accounts.password_reset_requested", self.request, by="anonymous")
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        from axes.utils import reset as axes_reset

        axes_reset(username=user.username)  # whoever controls the mailbox may try again at once
        security.log_account_event(user, "accounts.password_reset", self.request)
        return response


# --- Second factor -------------------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    """The enrolment QR code drawn here as SVG (nothing is sent to an outside service)."""
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False)


def _issue_recovery_codes(request, user) -> None:
    """New recovery codes replace the old ones; they are shown once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    request.session[SESSION_NEW_CODES] = codes
    security.log_account_event(user, "accounts.recovery_codes_issued", request)


@login_required
def second_factor(request):
    """Confirm this sign-in with a code from the authenticator app or a recovery code."""
    user = request.user
    if not security.has_confirmed_device(user):
        return redirect(f"{reverse('accounts:second_factor_setup')}?{urlencode({'next': _next(request, '')})}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is None:
            security.log_account_event(user, "accounts.second_factor_failed", request)
            form.add_error("token", _("That code is not right, or it has expired. Try the code shown now."))
        else:
            otp_login(request, device)
            security.log_account_event(user, "accounts.second_factor_verified", request, data={"device": type(device).__name__})
            if isinstance(device, StaticDevice):
                remaining = StaticToken.objects.filter(device=device).count()
                messages.warning(request, _("You used a recovery code; %(n)d are left.") % {"n": remaining})
            return redirect(_next(request, reverse("accounts:start")))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next(request, "")})


@login_required
def second_factor_setup(request):
    """Enrol an authenticator app: scan the code, type the first code it shows; recovery codes follow."""
    user = request.user
    if security.has_confirmed_device(user) and not user.is_verified():
        return redirect("accounts:second_factor")  # replacing a device needs the current one first
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if device.verify_token(form.cleaned_data["token"]):
                for old in devices_for_user(user, confirmed=True):
                    if isinstance(old, TOTPDevice):
                        old.delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                request.session[security.SESSION_ENROLLED] = True
                security.log_account_event(user, "accounts.second_factor_enrolled", request)
                _issue_recovery_codes(request, user)
                return redirect(f"{reverse('accounts:recovery_codes')}?{urlencode({'next': _next(request, '')})}")
        security.log_account_event(user, "accounts.second_factor_failed", request, data={"enrolment": True})
        form.add_error("token", _("That code is not right. Check the time on your phone and type the code shown now."))
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/second_factor_setup.html", {
        "form": form, "qr": _qr_svg(device.config_url), "secret": secret, "next": _next(request, ""),
    })


@login_required
def recovery_codes(request):
    """The new recovery codes, once; a confirmed person may ask for a new set (the old ones stop working)."""
    user = request.user
    if not user.is_verified():
        raise PermissionDenied(_("Confirm this sign-in with your second factor first."))
    if request.method == "POST":
        _issue_recovery_codes(request, user)
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(SESSION_NEW_CODES, None)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request, reverse("accounts:start"))})


@login_required
def security_overview(request):
    """The person's own account security: password age, second factor, recovery codes."""
    user = request.user
    static = StaticDevice.objects.filter(user=user, name="recovery").first()
    return render(request, "accounts/security.html", {
        "has_device": security.has_confirmed_device(user),
        "requires": security.requires_second_factor(user),
        "codes_left": static.token_set.count() if static else 0,
        "audit_reader": is_audit_reader(user),
    })
