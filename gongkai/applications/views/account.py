"""The applicant's account pages (申请人账号, 我的申请): open an account, confirm its e-mail address, sign in, list
one's applications and add one filed without the account (tracking number + secret).

Applicant accounts sign in here only, through the same lockout as staff (django-axes counts every failed attempt
of ``authenticate``); the staff sign-in refuses them and ``accounts.middleware`` keeps them out of the workspace,
the admin and the API. A staff account gets 403 on these pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.accounts.forms import ApplicantAuthenticationForm
from gongkai.applications.forms import ApplicantRegisterForm, ClaimForm
from gongkai.applications.models import Application
from gongkai.applications.services import accounts
from gongkai.core import ratelimit
from gongkai.core.errors import DomainError
from gongkai.core.faces import form_error, safe_next

SHOWN = 200  # applications listed on "my applications"


def _applicant_or_login(request):
    """The signed-in applicant; the applicant sign-in page for a visitor; 403 for a staff account."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not getattr(user, "is_applicant", False):
        raise PermissionDenied(_("This page is for applicant accounts. Staff follow applications in the workspace."))
    return user


def _to_login(request):
    return redirect(f"{reverse('applications_public:account_login')}?{urlencode({'next': request.get_full_path()})}")


@never_cache
def mine(request, claim_form=None, status: int = 200):
    """我的申请: every application of the account, newest first, and the form to add one filed without it."""
    user = _applicant_or_login(request)
    if user is None:
        return _to_login(request)
    applications = (Application.objects.filter(user=user).select_related("organ")
                    .order_by("-submitted_at", "-pk")[:SHOWN])
    return render(request, "applications/public/account.html", {
        "applications": applications, "claim_form": claim_form or ClaimForm(), "section": "apply",
    }, status=status)


@require_POST
def claim(request):
    user = _applicant_or_login(request)
    if user is None:
        return _to_login(request)
    form = ClaimForm(request.POST)
    # only failed pairs count, in the case page's own limit: guessing secrets here is no cheaper than there
    limited = ratelimit.check(request, "case_login")
    if limited is not None:
        form.is_valid()
        form.add_error(None, _("Too many attempts. %(wait)s") % {"wait": ratelimit.wait_text(limited)})
        return ratelimit.mark(mine(request, claim_form=form), limited)
    if form.is_valid():
        try:
            application = accounts.link_application(tracking_number=form.cleaned_data["tracking_number"],
                                                    secret=form.cleaned_data["secret"], user=user)
        except DomainError as error:
            ratelimit.hit(request, "case_login")
            form_error(form, error)
        else:
            messages.success(request, _("Application %(number)s is now listed in your account.")
                             % {"number": application.tracking_number})
            return redirect("applications_public:account")
    return mine(request, claim_form=form, status=400)


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("applications_public:account")
    form = ApplicantRegisterForm(request.POST or None)
    limited = None
    if request.method == "POST":
        limited = ratelimit.hit(request, "register")
        if limited is not None:
            form.is_valid()
            form.add_error(None, ratelimit.form_message(limited))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = accounts.register_applicant(email=data["email"], password=data["password1"],
                                                   full_name=data["full_name"], phone=data["phone"])
            except DomainError as error:
                form_error(form, error)
            else:
                if user is not None:
                    url = request.build_absolute_uri(
                        reverse("applications_public:account_verify", args=[accounts.verification_token(user)]))
                    accounts.send_verification(user, url=url)
                # the same answer whether or not the address already had an account
                messages.info(request, _("We sent a link to %(email)s. Open it within %(days)s days to finish opening "
                                         "your account, then sign in.") % {"email": data["email"], "days": accounts.verify_days()})
                return redirect("applications_public:account_login")
    page = render(request, "applications/public/account_register.html", {"form": form, "section": "apply"},
                  status=400 if request.method == "POST" else 200)
    return ratelimit.mark(page, limited) if limited is not None else page


def verify(request, token: str):
    try:
        accounts.verify_applicant(token=token)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("applications_public:account_register")
    messages.success(request, _("Your e-mail address is confirmed. You can sign in now."))
    return redirect("applications_public:account_login")


@require_http_methods(["GET", "POST"])
def account_login(request):
    """The applicant sign-in (the lockout of django-axes applies as on the staff sign-in)."""
    target = safe_next(request, reverse("applications_public:account"), prefix="/apply/")
    if request.user.is_authenticated and getattr(request.user, "is_applicant", False):
        return redirect(target)
    form = ApplicantAuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        return redirect(target)
    return render(request, "applications/public/account_login.html", {
        "form": form, "next": request.POST.get("next") or request.GET.get("next", ""), "section": "apply",
    }, status=400 if request.method == "POST" else 200)
