"""The citizen's face of the message box: the organ list, the form, the receipt with the query code, the follow
page opened with message number + query code, the rating, and each organ's published questions and answers.

Unknown numbers and wrong query codes get the same message; failed attempts are counted per client address and
refused beyond a limit (``core.ratelimit``)."""

from __future__ import annotations

import re
import secrets as pysecrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core import ratelimit
from gongkai.core.crypto import blind_index
from gongkai.core.errors import DomainError
from gongkai.core.faces import form_error
from gongkai.core.files import serve
from gongkai.core.uploads import check_anonymous_quota, count_anonymous_uploads
from gongkai.interaction import services
from gongkai.interaction.forms import LookupForm, MessageForm, RatingForm
from gongkai.interaction.models import Message
from gongkai.organs.models import Organ

SESSION_MESSAGES = "interaction_message_ids"
SESSION_RECEIPT = "interaction_receipt"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SECTION = "interact"


def organ_list(request):
    organs = Organ.objects.active().order_by("path")
    return render(request, "interaction/public/organs.html", {"organs": organs, "section": SECTION})


def _form_page(request, organ, form, token, *, status=200):
    return render(request, "interaction/public/form.html",
                  {"organ": organ, "form": form, "form_token": token, "section": SECTION}, status=status)


@require_http_methods(["GET", "POST"])
def write(request, slug):
    organ = get_object_or_404(Organ, slug=slug, is_active=True)
    if request.method != "POST":
        return _form_page(request, organ, MessageForm(), pysecrets.token_urlsafe(24))
    form = MessageForm(request.POST, request.FILES)
    token = request.POST.get("form_token", "")
    limited = ratelimit.hit(request, "message")
    if limited is not None:
        # nothing stored: the form again with everything typed and when to send it
        form.is_valid()
        form.add_error(None, ratelimit.form_message(limited))
        return ratelimit.mark(_form_page(request, organ, form, token if TOKEN_RE.match(token) else pysecrets.token_urlsafe(24)),
                              limited)
    if not TOKEN_RE.match(token):
        form.is_valid()
        form.add_error(None, _("The form expired; please submit it again."))
        return _form_page(request, organ, form, pysecrets.token_urlsafe(24), status=400)
    if not form.is_valid():
        return _form_page(request, organ, form, token, status=400)
    if form.cleaned_data["website"]:
        form.add_error(None, _("The message could not be sent. Please leave the last field empty."))
        return _form_page(request, organ, form, token, status=400)
    phone = form.cleaned_data["phone"].strip()
    if phone:
        # the same phone number from many addresses: counted by its blind index, never by the number itself
        limited = ratelimit.hit(request, "message_phone", key=blind_index(phone, purpose="phone"))
        if limited is not None:
            form.add_error(None, ratelimit.form_message(limited))
            return ratelimit.mark(_form_page(request, organ, form, token), limited)
    files = form.cleaned_data["attachments"]
    client = ratelimit.client_ip(request)
    try:
        if not request.user.is_authenticated:
            check_anonymous_quota(client, files)
        result = services.submit_message(organ=organ, data=form.cleaned_data, form_token=token, attachments=files)
    except DomainError as error:
        form_error(form, error)
        return _form_page(request, organ, form, token, status=400)
    if result.created:
        if not request.user.is_authenticated:
            count_anonymous_uploads(client, files)
        request.session[SESSION_RECEIPT] = [result.message.pk, token, result.code]
        _remember(request, result.message)
    return redirect("interaction_public:done", slug=organ.slug, token=token)


@never_cache
def done(request, slug, token):
    message = get_object_or_404(Message.objects.select_related("organ"), form_token=token, organ__slug=slug)
    if message.pk not in request.session.get(SESSION_MESSAGES, []):
        raise Http404
    receipt = request.session.get(SESSION_RECEIPT) or [None, "", ""]
    code = receipt[2] if receipt[0] == message.pk and receipt[1] == token else ""
    return render(request, "interaction/public/done.html",
                  {"message": message, "organ": message.organ, "code": code, "section": SECTION})


def _remember(request, message: Message) -> None:
    ids = [i for i in request.session.get(SESSION_MESSAGES, []) if i != message.pk][-19:]
    request.session[SESSION_MESSAGES] = ids + [message.pk]


@require_http_methods(["GET", "POST"])
def lookup(request):
    form = LookupForm(request.POST or None, initial={"number": request.GET.get("number", "")[:40]})
    limited = None
    if request.method == "POST":
        # only failed pairs count: a citizen who types the right code is never held back
        limited = ratelimit.check(request, "message_lookup")
        if limited is not None:
            form.is_valid()
            form.add_error(None, _("Too many attempts. %(wait)s") % {"wait": ratelimit.wait_text(limited)})
        elif form.is_valid():
            found = Message.objects.filter(number=form.cleaned_data["number"].strip()).first()
            if services.secret_matches(found, form.cleaned_data["code"]):
                _remember(request, found)
                # a transferred message is followed where it went
                while found.transferred_to_id is not None:
                    found = found.transferred_to
                    _remember(request, found)
                return redirect("interaction_public:message", number=found.number)
            ratelimit.hit(request, "message_lookup")
            form.add_error(None, _("The message number and query code do not match any message."))
    page = render(request, "interaction/public/lookup.html", {"form": form, "section": SECTION})
    return ratelimit.mark(page, limited) if limited is not None else page


def _message_or_404(request, number) -> Message:
    found = Message.objects.select_related("organ", "transferred_to__organ").filter(number=number).first()
    if found is None or found.pk not in request.session.get(SESSION_MESSAGES, []):
        raise Http404
    return found


def _render_message(request, found: Message, *, rating_form=None, status=200):
    return render(request, "interaction/public/message.html", {
        "message": found, "organ": found.organ, "section": SECTION,
        "rating_form": (rating_form or RatingForm()) if found.awaits_rating else None,
    }, status=status)


@never_cache
def message(request, number):
    try:
        found = _message_or_404(request, number)
    except Http404:
        # opened without the session that looked it up: the lookup form with the number filled in, answered as
        # "not found" — the same answer whether or not such a message exists.
        form = LookupForm(initial={"number": number[:40]})
        return render(request, "interaction/public/lookup.html", {"form": form, "section": SECTION}, status=404)
    return _render_message(request, found)


@require_POST
def rate(request, number):
    found = _message_or_404(request, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render_message(request, found, rating_form=form, status=400)
    try:
        services.rate(found, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"])
    except DomainError as error:
        form_error(form, error)
        return _render_message(request, found, rating_form=form, status=400)
    messages.success(request, _("Thank you for your rating."))
    return redirect("interaction_public:message", number=found.number)


def attachment(request, number, attachment_id):
    """A file the citizen sent, back to the browser that holds the message's session."""
    found = _message_or_404(request, number)
    item = get_object_or_404(found.attachments, pk=attachment_id)
    if not item.is_clean:  # quarantined: waiting for its virus scan, or refused
        raise Http404
    return serve(request, item.file, filename=item.name, private=True)


def answers(request, slug):
    """The organ's published questions and answers, personal data masked when they were published."""
    organ = get_object_or_404(Organ, slug=slug, is_active=True)
    published = (Message.objects.published().filter(organ=organ)
                 .only("number", "type", "subject", "public_content", "public_reply", "received_on", "replied_at", "organ_id")
                 .order_by("-replied_at", "-pk"))
    page = Paginator(published, 20).get_page(request.GET.get("page"))
    return render(request, "interaction/public/answers.html", {"organ": organ, "page": page, "section": SECTION})
