"""The staff face of the message box: the queue (by status, due soon, overdue) and the message page whose buttons
are the moves the table allows (``MOVES.allowed``). Every view checks that the message's organ is one the person
reads; every move goes through a service, which checks the role and the state."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.audit import action_label, trail_for
from gongkai.core.errors import DomainError
from gongkai.core.faces import domain_errors, form_error
from gongkai.core.files import serve
from gongkai.core.masking import mask_email, mask_phone
from gongkai.interaction import figures, services
from gongkai.interaction.forms import (
    AssignForm,
    DecideForm,
    ExtendForm,
    QueueFilterForm,
    RefuseForm,
    RegisterForm,
    ReplyForm,
    TransferForm,
)
from gongkai.interaction.models import Message, Status
from gongkai.interaction.workflow import MOVES, STAFF_VERBS, people_who_may
from gongkai.organs.models import Department, Organ
from gongkai.organs.permissions import is_staff_member, organs_with_role, readable_organ_list, readable_organs

DUE_SOON_DAYS = 2


def _staff_only(request) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("The message box is for staff of an organ."))


def _message(request, pk: int) -> Message:
    _staff_only(request)
    message = get_object_or_404(Message.objects.select_related("organ", "department", "assignee", "signoff"), pk=pk)
    if not readable_organs(request.user).filter(pk=message.organ_id).exists():
        raise PermissionDenied(_("This message belongs to an organ whose records you may not read."))
    return message


@login_required
def queue(request):
    _staff_only(request)
    organs = readable_organ_list(request.user)
    queryset = Message.objects.filter(organ__in=organs).select_related("organ", "assignee")
    form = QueueFilterForm(request.GET)
    form.is_valid()
    status, due = form.cleaned_data.get("status", ""), form.cleaned_data.get("due", "")
    mine = request.GET.get("view") == "mine"
    if mine:
        queryset = queryset.waiting_for(request.user)
    if status in Status.values:
        queryset = queryset.filter(status=status)
    elif not status:
        queryset = queryset.open()
    today = timezone.localdate()
    if due == "overdue":
        queryset = queryset.overdue(today)
    elif due == "soon":
        queryset = queryset.due_within(DUE_SOON_DAYS, today)
    page = Paginator(queryset.order_by("due_on", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "interaction/workspace/queue.html", {
        "page": page, "statuses": Status.choices, "status": status, "due": due, "today": today, "mine": mine,
        "can_register": organs_with_role(request.user, *MOVES["register"].roles).exists(),
    })


@login_required
def statistics(request):
    """The figures per organ, type and month of the organs the person reads, and the veto watch."""
    _staff_only(request)
    organs = readable_organ_list(request.user)
    messages_qs = Message.objects.filter(organ__in=organs)
    chosen = request.GET.get("organ", "")
    if chosen.isdigit() and any(str(o.pk) == chosen for o in organs):
        messages_qs = messages_qs.filter(organ_id=int(chosen))
    return render(request, "interaction/workspace/statistics.html", {
        "rows": figures.rows(messages_qs), "watch": figures.veto_watch(messages_qs, timezone.localdate()),
        "organs": organs, "chosen": chosen,
    })


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """登记: a message that came by the hotline, by letter or by a visit, in an organ where the person registers."""
    _staff_only(request)
    organs = organs_with_role(request.user, *MOVES["register"].roles).filter(is_active=True).order_by("path")
    if not organs.exists():
        raise PermissionDenied(_("Registering messages needs the role of clerk or disclosure office."))
    form = RegisterForm(request.POST or None, organs=organs, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.register_message(organ=data["organ"], by=request.user, channel=data["channel"],
                                               received_on=data["received_on"], data=data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Registered as %(number)s. Tell the citizen the query code %(code)s: it is "
                                        "shown only now.") % {"number": result.message.number, "code": result.code})
            return redirect(reverse("interaction_ws:detail", kwargs={"pk": result.message.pk}))
    return render(request, "interaction/workspace/register.html", {"form": form}, status=400 if form.errors else 200)


def buttons(message: Message, user) -> list[str]:
    """The moves ``user`` may make on the page now: the table's (``MOVES.allowed``), less those whose service asks
    one more thing (one extension, a drafted reply, the citizen's consent), plus the sign-off decision."""
    verbs = [verb for verb in MOVES.allowed(message, user) if verb in STAFF_VERBS]
    if message.extension_days:
        verbs = [v for v in verbs if v != "extend"]
    if not message.reply_text:
        verbs = [v for v in verbs if v != "submit_reply"]
    if not message.publish_consent or message.published:
        verbs = [v for v in verbs if v != "publish"]
    if services.may_decide(message, user):
        verbs.append("decide")
    return verbs


@login_required
def detail(request, pk):
    message = _message(request, pk)
    user = request.user
    handler = MOVES.role_allows(message, user, "draft_reply")
    verbs = buttons(message, user)
    forms = {
        "refuse": RefuseForm(),
        "transfer": TransferForm(organs=Organ.objects.active().exclude(pk=message.organ_id).order_by("path")),
        "assign": AssignForm(departments=Department.objects.filter(organ=message.organ, is_active=True),
                             people=people_who_may(message.organ, "draft_reply")),
        "extend": ExtendForm(),
        "draft_reply": ReplyForm(initial={"text": message.reply_text}),
        "decide": DecideForm(),
    }
    return render(request, "interaction/workspace/detail.html", {
        "m": message, "verbs": verbs, "forms": {verb: form for verb, form in forms.items() if verb in verbs},
        "phone": message.phone if handler else mask_phone(message.phone),
        "email": message.email if handler else mask_email(message.email),
        "attachments": list(message.attachments.all()),
        "trail": [(event, action_label(event.action)) for event in trail_for(message)], "deadline": services.deadline(message) if message.is_open else None,
    })


@login_required
def attachment(request, pk, attachment_id):
    """A file the citizen sent, to whoever may read the message; never one still in quarantine or refused."""
    message = _message(request, pk)
    item = get_object_or_404(message.attachments, pk=attachment_id)
    if not item.is_clean:
        raise Http404
    return serve(request, item.file, filename=item.name, private=True)


def _back(request) -> str:
    return request.path.rsplit("/", 2)[0] + "/"


def _form(form) -> dict:
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        raise DomainError(f"{label}: {errors[0]}" if label else errors[0], field=field)
    return form.cleaned_data


def _duplicate(message: Message, number: str) -> Message | None:
    if not number:
        return None
    found = Message.objects.filter(number=number.strip(), organ=message.organ).first()
    if found is None:
        raise DomainError(_("No message of this organ has that number."), field="duplicate_of")
    return found


def _refuse(request, m: Message) -> None:
    d = _form(RefuseForm(request.POST))
    services.refuse(m, by=request.user, reason=d["reason"], note=d["note"], duplicate_of=_duplicate(m, d["duplicate_of"]))


def _transfer(request, m: Message) -> None:
    d = _form(TransferForm(request.POST, organs=Organ.objects.active()))
    services.transfer(m, by=request.user, to=d["to"], reason=d["reason"])


def _assign(request, m: Message) -> None:
    form = AssignForm(request.POST, departments=Department.objects.filter(organ=m.organ),
                      people=people_who_may(m.organ, "draft_reply"))
    d = _form(form)
    services.assign(m, by=request.user, department=d["department"], assignee=d["assignee"])


def _extend(request, m: Message) -> None:
    d = _form(ExtendForm(request.POST))
    services.extend(m, by=request.user, days=d["days"], reason=d["reason"])


def _draft(request, m: Message) -> None:
    services.draft_reply(m, by=request.user, text=_form(ReplyForm(request.POST))["text"])


def _decide(request, m: Message) -> None:
    d = _form(DecideForm(request.POST))
    services.decide_reply(m, by=request.user, decision=d["decision"], comment=d["comment"])


ACTIONS: dict[str, Callable] = {
    "accept": lambda request, m: services.accept(m, by=request.user),
    "refuse": _refuse,
    "transfer": _transfer,
    "assign": _assign,
    "extend": _extend,
    "draft_reply": _draft,
    "submit_reply": lambda request, m: services.submit_reply(m, by=request.user),
    "send": lambda request, m: services.send(m, by=request.user),
    "publish": lambda request, m: services.publish(m, by=request.user),
    "decide": _decide,
}


@login_required
@require_POST
@domain_errors(_back, prefix="/workspace/interaction/")
def action(request, pk, verb):
    if verb not in ACTIONS:
        raise Http404
    message = _message(request, pk)
    ACTIONS[verb](request, message)
    messages.success(request, _("Done."))
    return redirect(reverse("interaction_ws:detail", kwargs={"pk": message.pk}))
