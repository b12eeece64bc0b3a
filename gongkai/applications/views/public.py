"""The applicant's face: the web form per organ and the case page.

The case page is opened with tracking number + secret (or a signed-in account
that filed it). Unknown numbers and wrong secrets get the same message; failed
attempts are counted per client address in the cache and refused beyond a limit."""

from __future__ import annotations

import re
import secrets as pysecrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.applications import blank_form as paper
from gongkai.applications import services, timeline
from gongkai.applications.forms import ApplicationForm, CaseLoginForm, CorrectionForm
from gongkai.applications.models import Application, CaseLetter, DeliveryMethod, ReleasedFile, Status
from gongkai.applications.services import released as released_files
from gongkai.core import ratelimit
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError
from gongkai.core.faces import form_error, refuse
from gongkai.core.files import serve
from gongkai.core.uploads import check_anonymous_quota, count_anonymous_uploads
from gongkai.core.visitor import client_ip
from gongkai.organs.models import Organ

# The shell's page cache and column helpers (the portal owns the layout).
from gongkai.portal import cache as page_cache
from gongkai.portal.views import base_context, organ_or_404, site_meta, slug_names
from gongkai.workdays.calendar import PROVISIONAL_WARNING

SESSION_CASES = "applications_case_ids"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

FORM_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def on_application(request, organ_slug):
    """依申请公开: how an application is handled (the flow chart), the paper form to download, the online
    form and the case lookup. Part of the organ's disclosure column, cached like its other pages."""

    def render_page():
        organ = organ_or_404(organ_slug)
        context = base_context(request, organ, "on_application")
        context.update(meta=site_meta(request, organ, _("Disclosure on application")))
        return render(request, "applications/public/on_application.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page)


def blank_form(request, organ_slug, fmt):
    """The paper application form of an organ as DOCX or PDF. Rendering a PDF takes a second, so each file is
    kept in the cache under the ``conf`` version (bumped when an organ changes), the organ and the language."""
    if fmt not in FORM_FORMATS:
        raise Http404
    organ = organ_or_404(organ_slug)
    key = f"applications:blank-form:{page_cache.versions(['conf'])}:{organ.pk}:{translation.get_language()}:{fmt}"
    content = cache.get(key)
    if content is None:
        content = paper.render_docx(organ) if fmt == "docx" else paper.render_pdf(organ)
        cache.set(key, content, 24 * 3600)
    response = HttpResponse(content, content_type=FORM_FORMATS[fmt])
    filename = f"application-form-{organ.slug}.{fmt}"
    response["Content-Disposition"] = f'{"inline" if fmt == "pdf" else "attachment"}; filename="{filename}"'
    return response


def organ_list(request):
    organs = Organ.objects.active().order_by("path")
    return render(request, "applications/public/organs.html", {"organs": organs})


@require_http_methods(["GET", "POST"])
def apply(request, slug):
    organ = get_object_or_404(Organ, slug=slug, is_active=True)
    if request.method == "POST":
        token = request.POST.get("form_token", "")
        form = ApplicationForm(request.POST, request.FILES)
        limited = ratelimit.hit(request, "apply")
        if limited is not None:
            # nothing stored: the form again with everything typed and when to send it
            form.is_valid()
            form.add_error(None, ratelimit.form_message(limited))
            if not TOKEN_RE.match(token):
                token = pysecrets.token_urlsafe(24)
            page = render(
                request, "applications/public/apply.html", {"organ": organ, "form": form, "form_token": token, "section": "apply"}
            )
            return ratelimit.mark(page, limited)
        if not TOKEN_RE.match(token):
            form.is_valid()
            form.add_error(None, _("The form expired; please submit it again."))
            token = pysecrets.token_urlsafe(24)
        elif form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "attachments"}
            files = form.cleaned_data["attachments"]
            try:
                _check_quota(request, files)
                result = services.submit_application(
                    organ=organ, channel="web", data=data, attachments=files,
                    form_token=token, user=request.user,
                )
            except DomainError as error:
                form_error(form, error)
            else:
                response = redirect("applications_public:done", slug=organ.slug, token=token)
                if result.created:
                    _count_quota(request, files)
                    _keep_receipt(request, response, result.application, token, result.secret)
                return response
    else:
        page = _empty_form_page(request, organ)
        if page is not None:
            return page
        form = ApplicationForm()
        token = pysecrets.token_urlsafe(24)
    return render(
        request, "applications/public/apply.html", {"organ": organ, "form": form, "form_token": token, "section": "apply"}
    )


# The empty form page, rendered once per organ (as it is now), language and process with the visitor's two tokens
# cut out; each visit puts in its own CSRF token and form token. Rendering the 16 widgets and the portal layout is
# most of the cost of the page, and every applicant loads it before submitting.
_FORM_PAGES: dict[tuple, str] = {}
CSRF_SLOT, TOKEN_SLOT = "\x00csrf\x00", "\x00form-token\x00"
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _empty_form_page(request, organ: Organ):
    """The empty form for this visitor from the rendered copy, or None when the page must be rendered afresh
    (development, a query string, messages waiting to be shown)."""
    from django.contrib.messages import get_messages
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    if settings.DEBUG or request.GET or len(get_messages(request)):
        return None
    # Everything of the organ the page shows is in the key: a change of name or address is a new page at once.
    key = (translation.get_language(), request.path, settings.SITE_NAME, organ.pk, organ.name, organ.short_name,
           organ.address, organ.phone, organ.site_id_code)
    html = _FORM_PAGES.get(key)
    if html is None:
        token = pysecrets.token_urlsafe(24)
        rendered = render(request, "applications/public/apply.html",
                          {"organ": organ, "form": ApplicationForm(), "form_token": token, "section": "apply"}).content.decode()
        html = CSRF_RE.sub(f'name="csrfmiddlewaretoken" value="{CSRF_SLOT}"', rendered)
        html = html.replace(f'name="form_token" value="{token}"', f'name="form_token" value="{TOKEN_SLOT}"')
        if len(_FORM_PAGES) > 1000:
            _FORM_PAGES.clear()
        _FORM_PAGES[key] = html
    return HttpResponse(html.replace(CSRF_SLOT, get_token(request)).replace(TOKEN_SLOT, pysecrets.token_urlsafe(24)))


# The receipt (回执): the browser that filed an application keeps, for a day, a signed cookie naming it with its
# form token and secret. The receipt page shows the secret from it, and the case page opens without typing the
# secret in that browser — what an anonymous session did before, without writing a session (a database row and a
# cache entry) for every applicant. The cookie is HttpOnly, sent only to /apply/, Secure where sessions are, and
# signed with SECRET_KEY (a changed or forged one is ignored); it is only ever sent by the applicant's own browser,
# the pages that show the secret are never cached, and the cookie is in no URL and no log line.
RECEIPT_COOKIE = "gongkai_receipts"
RECEIPT_SALT = "gongkai.applications.receipt"
RECEIPTS_KEPT = 5


def _receipt_seconds() -> int:
    return int(getattr(settings, "APPLICATIONS_RECEIPT_SECONDS", 24 * 3600))


def _receipts(request) -> list[tuple[int, str, str, int]]:
    """(application id, form token, secret, issued at) of the applications this browser filed, still valid."""
    value = request.COOKIES.get(RECEIPT_COOKIE)
    if not value:
        return []
    try:
        entries = signing.loads(value, salt=RECEIPT_SALT)
    except signing.BadSignature:
        return []
    oldest = time.time() - _receipt_seconds()
    valid = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], int) and isinstance(entry[3], int) and entry[3] >= oldest:
            valid.append((entry[0], str(entry[1]), str(entry[2]), entry[3]))
    return valid


def _keep_receipt(request, response, application: Application, token: str, secret: str) -> None:
    kept = [list(entry) for entry in _receipts(request) if entry[0] != application.pk][-(RECEIPTS_KEPT - 1):]
    kept.append([application.pk, token, secret, int(time.time())])
    response.set_cookie(
        RECEIPT_COOKIE, signing.dumps(kept, salt=RECEIPT_SALT), max_age=_receipt_seconds(),
        path=reverse("applications_public:apply"), secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


def _filed_here(request, application: Application) -> bool:
    return any(entry[0] == application.pk for entry in _receipts(request))


@never_cache
def done(request, slug, token):
    application = get_object_or_404(Application.objects.select_related("organ"), form_token=token, organ__slug=slug)
    secret = next((entry[2] for entry in _receipts(request) if entry[0] == application.pk and entry[1] == token), "")
    if not secret and application.pk not in request.session.get(SESSION_CASES, []):
        raise Http404
    return render(request, "applications/public/done.html", {"application": application, "organ": application.organ, "secret": secret, "section": "apply"})


def _client(request) -> str:
    """The visitor's address (core.visitor.client_ip: the one rule for proxies)."""
    return client_ip(request) or "unknown"


def _public_visitor(request) -> bool:
    """Not staff: a visitor, or a member of the public signed in with an applicant account (which anyone may open)."""
    return not request.user.is_authenticated or getattr(request.user, "is_applicant", False)


def _check_quota(request, files) -> None:
    """Members of the public may send only so many files a day from one address."""
    if _public_visitor(request):
        check_anonymous_quota(_client(request), files)


def _count_quota(request, files) -> None:
    if _public_visitor(request):
        count_anonymous_uploads(_client(request), files)


def _remember(request, application: Application) -> None:
    ids = [i for i in request.session.get(SESSION_CASES, []) if i != application.pk][-19:]
    request.session[SESSION_CASES] = ids + [application.pk]


@require_http_methods(["GET", "POST"])
def case_login(request):
    form = CaseLoginForm(request.POST or None, initial={"tracking_number": request.GET.get("number", "")[:60]})
    limited = None
    if request.method == "POST":
        # only failed pairs count: an applicant who types the right secret is never held back
        limited = ratelimit.check(request, "case_login")
        if limited is not None:
            form.is_valid()
            form.add_error(None, _("Too many attempts. %(wait)s") % {"wait": ratelimit.wait_text(limited)})
        elif form.is_valid():
            number = form.cleaned_data["tracking_number"].strip()
            application = Application.objects.filter(tracking_number=number).first()
            if services.secret_matches(application, form.cleaned_data["secret"].strip()):
                _remember(request, application)
                return redirect("applications_public:case", tracking_number=application.tracking_number)
            ratelimit.hit(request, "case_login")
            form.add_error(None, _("The tracking number and secret do not match any application."))
    mine = []
    if request.user.is_authenticated:
        mine = Application.objects.filter(user=request.user).select_related("organ")[:50]
    page = render(request, "applications/public/case_login.html", {"form": form, "mine": mine})
    return ratelimit.mark(page, limited) if limited is not None else page


def _case_or_404(request, tracking_number) -> Application:
    application = Application.objects.select_related("organ").filter(tracking_number=tracking_number).first()
    if application is None:
        raise Http404
    allowed = (
        application.pk in request.session.get(SESSION_CASES, [])
        or (request.user.is_authenticated and application.user_id == request.user.pk)
        or _filed_here(request, application)
    )
    if not allowed:
        raise Http404
    return application


def case(request, tracking_number):
    try:
        application = _case_or_404(request, tracking_number)
    except Http404:
        # A bookmarked or shared address opened without the session that filed or looked up the case: the lookup
        # form with the number filled in — the same answer whether or not such a case exists.
        query = urlencode({"number": tracking_number[:60]})
        return redirect(f"{reverse('applications_public:case_login')}?{query}")
    return _render_case(request, application)


def _render_case(request, application: Application, *, correction_form=None, status: int = 200):
    letters = application.letters.filter(for_applicant=True)
    if application.status != Status.CLOSED:
        letters = letters.exclude(kind="reply")
    today = timezone.localdate()
    waiting = application.status == Status.CORRECTION_REQUESTED
    correction_open = waiting and (application.correction_deadline is None or today <= application.correction_deadline)
    return render(
        request,
        "applications/public/case.html",
        {
            "application": application,
            "organ": application.organ,
            "section": "apply",
            "letters": letters,
            "explanation": application.due_explanation,
            "provisional_warning": PROVISIONAL_WARNING,
            "steps": timeline.steps(application),
            "deadline_sentences": timeline.deadline_sentences(application),
            "correction_open": correction_open,
            "correction_form": (correction_form or CorrectionForm()) if correction_open else None,
            **_released(application),
        },
        status=status,
    )


@never_cache
def receipt(request, tracking_number):
    """The printable receipt (回执) of an application: what was filed, when, with which organ, how to follow it and
    how the time limit counts. The secret is printed only in the browser that filed the application (its receipt
    cookie); everywhere else the receipt says where it was given."""
    application = _case_or_404(request, tracking_number)
    secret = next((entry[2] for entry in _receipts(request) if entry[0] == application.pk), "")
    return render(request, "applications/public/receipt.html", {
        "application": application,
        "organ": application.organ,
        "section": "apply",
        "secret": secret,
        "deadline_sentences": timeline.deadline_sentences(application),
        "case_address": request.build_absolute_uri(reverse("applications_public:case_login")),
        "printed_at": timezone.localtime(),
    })


@require_POST
def correct(request, tracking_number):
    application = _case_or_404(request, tracking_number)
    form = CorrectionForm(request.POST, request.FILES)
    limited = ratelimit.hit(request, "correct")
    if limited is not None:
        form.is_valid()
        form.add_error(None, ratelimit.form_message(limited))
        return ratelimit.mark(_render_case(request, application, correction_form=form), limited)
    if form.is_valid():
        files = form.cleaned_data["attachments"]
        try:
            _check_quota(request, files)
            services.submit_correction(application, text=form.cleaned_data["text"], attachments=files)
            _count_quota(request, files)
        except DomainError as error:
            # nothing saved: the page again, with what was typed and the reason
            form.add_error("attachments" if error.field == "attachments" else None, str(error.message))
            return _render_case(request, application, correction_form=form, status=400)
        messages.success(request, _("Your correction was received. The 20 working days start again from today."))
        return redirect(reverse("applications_public:case", kwargs={"tracking_number": application.tracking_number}))
    return _render_case(request, application, correction_form=form, status=400)


@require_POST
def withdraw(request, tracking_number):
    """The applicant withdraws the application (撤回申请)."""
    application = _case_or_404(request, tracking_number)
    try:
        services.withdraw(application, reason=request.POST.get("reason", "")[:500])
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect(reverse("applications_public:case", kwargs={"tracking_number": application.tracking_number}))


def letter(request, tracking_number, letter_id, fmt):
    """A letter to its applicant, as the PDF only: an editable Word copy of an official letter is for staff."""
    if fmt != "pdf":
        raise Http404
    application = _case_or_404(request, tracking_number)
    item = get_object_or_404(CaseLetter, pk=letter_id, application=application, for_applicant=True)
    if item.kind == "reply" and application.status != Status.CLOSED:
        raise Http404
    return _letter_response(request, item, fmt)


def attachment(request, tracking_number, attachment_id):
    """A file the applicant uploaded with the application or a correction, back to the applicant."""
    application = _case_or_404(request, tracking_number)
    item = get_object_or_404(application.attachments, pk=attachment_id)
    if not item.is_clean:  # quarantined: waiting for its virus scan, or refused
        raise Http404
    return serve(request, item.file, filename=item.name, private=True)


# Deliveries whose released files are downloadable on the case page (by post or in person they are handed over).
LINKED_DELIVERY = (DeliveryMethod.ONLINE, DeliveryMethod.EMAIL)


def _released(application: Application) -> dict:
    """The files released with the reply, each with its signed download link while the period runs; listed
    (without links) when delivered by post or in person."""
    if application.status != Status.CLOSED:
        return {"released": []}
    files = ReleasedFile.objects.current().filter(application=application, released_at__isnull=False).select_related("item__organ")
    linked = application.delivered_via in LINKED_DELIVERY
    rows = []
    for released in files.order_by("added_at", "pk"):
        url = ""
        if released.is_item:
            url = reverse("portal:item", kwargs={"organ_slug": released.item.organ.slug, "pk": released.item_id})
        elif linked and released_files.is_downloadable(released):
            url = reverse("applications_public:released_file", kwargs={
                "tracking_number": application.tracking_number, "file_id": released.pk,
                "token": released_files.download_token(released)})
        rows.append({"name": released.outgoing()[1], "size": released.outgoing()[3], "url": url, "item": released.is_item})
    until = next((f.available_until for f in files if f.available_until), None)
    return {"released": rows, "released_linked": linked, "released_until": until,
            "released_expired": linked and until is not None and timezone.now() > until}


@never_cache
def released_file(request, tracking_number, file_id, token):
    """A file released with the reply, through its signed link, to the applicant holding the case; every download
    is a row of the case's audit trail."""
    application = _case_or_404(request, tracking_number)
    released = get_object_or_404(ReleasedFile.objects.current(), pk=file_id, application=application, item__isnull=True,
                                 released_at__isnull=False)
    if application.status != Status.CLOSED or application.delivered_via not in LINKED_DELIVERY:
        raise Http404
    state = released_files.check_token(released, token)
    if state == released_files.TAMPERED:
        raise Http404
    if state == released_files.EXPIRED:
        messages.error(request, _("This download link has expired. Contact the organ if you still need the files."))
        return _render_case(request, application, status=410)
    field, name, sha256, _size = released.outgoing()
    response = serve(request, field, filename=name, private=True)
    log_action(application, "applications.released_file_downloaded", by=request.user if request.user.is_authenticated else "applicant",
               organ=application.organ, data={"file": released.pk, "name": name, "sha256": sha256})
    return response


def _letter_response(request, item: CaseLetter, fmt: str):
    if fmt not in ("pdf", "docx"):
        raise Http404
    field = item.pdf if fmt == "pdf" else item.docx
    if not field:
        raise Http404
    return serve(request, field, filename=item.download_name(fmt), private=True, inline=fmt == "pdf")
