"""The staff face: queues, case detail with the actions the user may take,
registration of paper/fax/oral applications, Excel export. Every view checks
read access through ``gongkai.organs.permissions``; every action goes through a
service, which checks the role and the state."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Window
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.applications import outbox, privacy, services
from gongkai.applications.forms import (
    AppealDecisionForm,
    AppealForm,
    ConsultationForm,
    ReplyForm,
    StaffRegisterForm,
)
from gongkai.applications.history import label as action_label
from gongkai.applications.models import (
    RUNNING_STATES,
    Appeal,
    Application,
    CaseLetter,
    ConsultationAnswer,
    DeliveryMethod,
    FeeScheme,
    Reply,
    ReplyStatus,
    Status,
)
from gongkai.applications.services import released as released_files
from gongkai.applications.views.actions import ACTION_VERBS, ACTIONS
from gongkai.applications.views.public import _letter_response
from gongkai.applications.workflow import APPEALS, MOVES, people_who_may
from gongkai.core import crypto, masking
from gongkai.core.audit import log_action, trail_for
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.core.faces import form_error, refuse
from gongkai.core.files import serve
from gongkai.core.htmlrows import Row, join
from gongkai.core.params import parse_int
from gongkai.organs.models import Department
from gongkai.organs.permissions import (
    has_role,
    holds_any_role,
    is_staff_member,
    memberships,
    organs_with_role,
    readable_organ_list,
    require_read,
)
from gongkai.signoff.services import history
from gongkai.workdays.calendar import PROVISIONAL_WARNING


def _staff_only(request) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("The application register is for staff of an organ."))


def _queue(request):
    """The applications of the current queue view and filters, in order; and the organs the user reads. The organs
    are passed to the query as a list of ids: the planner then knows how many organs it filters on (one clerk's
    organ, or the 50 a government's office reads) and picks the index for it."""
    organs = readable_organ_list(request.user)
    view = request.GET.get("view", "running")
    readable = [organ.pk for organ in organs]
    if view == "mine":
        # What waits for someone is in the organs where they hold a role (assignment, unclaimed work and sign-off
        # steps all need one), a subset of those they read: the shorter list gives the planner a simpler query.
        own = {m.organ_id for m in memberships(request.user)}
        readable = [pk for pk in readable if pk in own]
    queryset = Application.objects.filter(organ_id__in=readable).select_related("organ", "assignee", "department")
    today = timezone.localdate()
    if view == "overdue":
        queryset = queryset.overdue(today)
    elif view == "soon":
        queryset = queryset.due_within(3, today)
    elif view == "mine":
        queryset = queryset.waiting_for(request.user)
    elif view == "confirm":
        queryset = queryset.filter(status__in=sorted(MOVES["confirm_receipt"].sources))  # what waits for its receipt to be confirmed
    elif view == "all":
        pass
    else:
        view = "running"
        queryset = queryset.filter(status__in=RUNNING_STATES)
    status = request.GET.get("status", "")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    organ = request.GET.get("organ", "")
    if parse_int(organ) is not None:
        queryset = queryset.filter(organ_id=parse_int(organ))
    q = request.GET.get("q", "").strip()
    if q:
        found = Q(tracking_number__icontains=q) | Q(subject__icontains=q) | Q(applicant_name__icontains=q)
        if len(crypto.normalise(q)) >= 7:
            # a whole ID number or phone number: matched by its blind index (the values themselves are encrypted)
            found |= Q(id_number_bidx=crypto.blind_index(q, purpose="id_number")) | Q(phone_bidx=crypto.blind_index(q, purpose="phone"))
        queryset = queryset.filter(found)
    year = request.GET.get("year", "")
    if parse_int(year, 1949, 2200) is not None:
        queryset = queryset.filter(received_on__year=int(year))
    if view in ("running", "overdue", "soon", "mine"):
        return queryset.order_by("due_on", "id"), view, organs
    # Newest arrival first. The id follows the arrival (``submitted_at`` is the time the row was made), and the
    # primary key is an index: a page of the whole register is read newest first and stops after 20 rows.
    return queryset.order_by("-id"), view, organs


# What one row of the queue shows, as plain values. No join: with one the planner spends more time on the query
# (2 ms for 50 organs) than the database on running it; organ and handler names are looked up by id.
QUEUE_COLUMNS = (
    "id", "tracking_number", "subject", "status", "received_on", "due_on", "due_explanation", "is_petition_suspected",
    "possible_duplicate_of_id", "organ_id", "assignee_id",
)
# Rows per page: a register shows 20 by default (one screen); a clerk may ask for more.
QUEUE_PAGE_SIZES = (20, 50, 100)
QUEUE_VIEWS = (
    ("running", gettext_lazy("Running")), ("mine", gettext_lazy("Waiting for me")), ("overdue", gettext_lazy("Overdue")),
    ("soon", gettext_lazy("Due within 3 working days")), ("confirm", gettext_lazy("To confirm receipt")), ("all", gettext_lazy("All")),
)


PK_PLACEHOLDER = 987654321987  # reverse() once per page, not once per row


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue with every value already worked out."""

    url: str
    tracking_number: str
    subject: str
    organ: str
    status: str
    received_on: str
    due_on: str
    overdue: bool
    provisional: bool
    petition: bool
    repeat: bool
    handler: str


def _queue_rows(values, organs, today: dt.date) -> list[QueueRow]:
    """QUEUE_COLUMNS tuples → rows; the handlers' names in one query for the page."""
    from gongkai.accounts.models import User

    values = list(values)
    statuses = {code: str(label) for code, label in Status.choices}
    detail = reverse("applications_ws:detail", args=[PK_PLACEHOLDER])
    organ_names = {organ.pk: organ.display_name for organ in organs}
    assignees = {v[10] for v in values if v[10] is not None}
    people = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=assignees).only(
        "full_name", "first_name", "last_name", "username")} if assignees else {}
    rows = []
    for pk, number, subject, status, received_on, due_on, explanation, petition, duplicate_of, organ_id, assignee_id in values:
        rows.append(QueueRow(
            url=detail.replace(str(PK_PLACEHOLDER), str(pk)),
            tracking_number=number,
            subject=subject if len(subject) <= 60 else subject[:59] + "…",
            organ=organ_names.get(organ_id, ""),
            status=statuses.get(status, status),
            received_on=received_on.isoformat() if received_on else "",
            due_on=due_on.isoformat() if due_on else "",
            overdue=bool(due_on and status in RUNNING_STATES and due_on < today),
            provisional=bool((explanation or {}).get("provisional")),
            petition=petition,
            repeat=duplicate_of is not None,
            handler=people.get(assignee_id, ""),
        ))
    return rows


QUEUE_ROW = Row(
    '<tr><td><a href="{url}">{number}</a>{badges}</td><td class="queue-subject">{subject}</td><td>{organ}</td>'
    '<td class="nowrap">{status}</td><td class="nowrap">{received}</td><td class="nowrap">{due}</td><td>{handler}</td></tr>\n'
)
DUE = Row('<span class="badge {state}">{due}</span>{provisional}')
BADGE = Row(' <span class="badge warn">{label}</span>')


def _rows_html(rows: list[QueueRow]) -> str:
    """The table's rows, built here (gongkai.core.htmlrows): 20 rows through the template engine cost more than the
    rest of the page. Every value is escaped."""
    petition, repeat = BADGE(label=_("petition?")), BADGE(label=_("repeat?"))  # not inside f-strings: makemessages
    badges = {(False, False): SafeString(""), (True, False): petition, (False, True): repeat, (True, True): petition + repeat}
    provisional = Row(' <span class="badge warn" title="{title}">!</span>')(title=_("Provisional"))
    return join(
        QUEUE_ROW(
            url=r.url, number=r.tracking_number, badges=badges[r.petition, r.repeat],
            subject=r.subject, organ=r.organ, status=r.status, received=r.received_on or "—",
            due=DUE(state="bad" if r.overdue else "ok", due=r.due_on, provisional=provisional if r.provisional else "")
            if r.due_on else "—",
            handler=r.handler or "—",
        )
        for r in rows
    )


def _options(choices, chosen: str) -> str:
    """<option>s of a filter (50 organs for a government's office): built here, not node by node in the template."""
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((value, " selected" if value == chosen else "", label) for value, label in choices))


def _per_page(request) -> int:
    value = request.GET.get("per_page", "")
    return int(value) if value.isdigit() and int(value) in QUEUE_PAGE_SIZES else QUEUE_PAGE_SIZES[0]


# Someone who reads many organs (a government's office: 50 organs, 50,000 running applications) gets the total of
# a view counted at most once a minute; the rows themselves are always read live. One organ's totals are exact.
QUEUE_COUNT_SECONDS = 60


class QueuePaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_key: str | None = None):
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return super().count
        total = cache.get(self.count_key)
        if total is None:
            total = super().count
            cache.set(self.count_key, total, QUEUE_COUNT_SECONDS)
        return total


def _count_key(request, view: str, organs) -> str | None:
    if len(organs) < 2:
        return None
    parts = [view, timezone.localdate().isoformat(), ",".join(str(o.pk) for o in organs)]
    parts += [request.GET.get(k, "") for k in ("status", "organ", "q", "year")]
    if view == "mine":
        parts.append(str(request.user.pk))
    return "applications:queue-count:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


class WaitingForMe:
    """The "waiting for me" rows (``waiting``: the view's ordered queryset) for the paginator, with the
    exact total and the page asked for read by **one** query (``COUNT(*) OVER ()``): the total needs every waiting
    row anyway (a clerk who handles a whole organ has 1,000+), and reading them once for both saves a second scan
    of them and a query. Only a page past the end (the paginator then shows the last) costs a second query."""

    def __init__(self, waiting, *, first: int, per_page: int):
        self.matching = waiting
        self.first, self.per_page = first, per_page
        self.total: int | None = None
        self.read: list[tuple] | None = None  # the rows from ``first`` on, read with the total

    def count(self) -> int:
        if self.total is None:
            rows = list(self.matching.annotate(waiting_total=Window(Count("*")))
                        .values_list(*QUEUE_COLUMNS, "waiting_total")[self.first:self.first + self.per_page])
            if rows:
                self.total, self.read = rows[0][-1], [row[:-1] for row in rows]
            else:
                self.total = self.matching.count()
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[tuple]:
        start, stop = index.start or 0, index.stop
        self.count()
        if self.read is not None and start == self.first and stop - start <= len(self.read):
            return self.read[:stop - start]
        return list(self.matching.values_list(*QUEUE_COLUMNS)[start:stop])


@login_required
def queue(request):
    _staff_only(request)
    queryset, view, organs = _queue(request)
    queryset = queryset.select_related(None)
    per_page = _per_page(request)
    count_key = _count_key(request, view, organs)
    if view == "mine" and count_key is None:
        # one organ: the exact total every time, read with the page
        first = ((parse_int(request.GET.get("page", "")) or 1) - 1) * per_page
        rows = WaitingForMe(queryset, first=first, per_page=per_page)
    else:
        rows = queryset.values_list(*QUEUE_COLUMNS)
    page = QueuePaginator(rows, per_page, count_key=count_key).get_page(request.GET.get("page"))
    today = timezone.localdate()
    chosen_organ, chosen_status = request.GET.get("organ", ""), request.GET.get("status", "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "applications/ws/queue.html", {
        "page": page, "rows": _rows_html(_queue_rows(page.object_list, organs, today)), "view": view, "views": QUEUE_VIEWS,
        "organ_options": _options(((str(o.pk), o.name) for o in organs), chosen_organ) if len(organs) > 1 else "",
        "status_options": _options(Status.choices, chosen_status),
        "per_page": per_page, "page_sizes": QUEUE_PAGE_SIZES,
        "can_register": holds_any_role(request.user, *MOVES["register"].roles),
        "query": query.urlencode(),
    })


@login_required
def export(request):
    """The register as Excel (openpyxl), with the current filters."""
    import openpyxl

    from gongkai.core.spreadsheets import xlsx_row

    _staff_only(request)
    queryset, _view, _organs = _queue(request)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("Applications"))
    sheet.append(xlsx_row(sheet, [
        _("Tracking number"), _("Organ"), _("Channel"), _("Applicant type"), _("Applicant"), _("Information sought"),
        _("Date of receipt"), _("Reply due"), _("Status"), _("Outcome"), _("Closed on"), _("Handler"), _("Department"),
    ]))
    for a in queryset.iterator(chunk_size=1000):
        sheet.append(xlsx_row(sheet, [
            a.tracking_number, a.organ.name, a.get_channel_display(), a.get_applicant_type_display(), a.applicant_name,
            a.subject, a.received_on, a.due_on, a.get_status_display(), a.get_outcome_display() if a.outcome else "",
            a.closed_on, (a.assignee.get_full_name() if a.assignee_id else ""), (a.department.name if a.department_id else ""),
        ]))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="applications-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    organs = organs_with_role(request.user, *MOVES["register"].roles)
    if not organs.exists():
        raise PermissionDenied(_("Registering applications needs the role clerk or disclosure office."))
    form = StaffRegisterForm(request.POST or None, request.FILES or None, organs=organs)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("attachments", "organ", "channel", "received_on", "receipt_note")}
        try:
            result = services.register_application(
                organ=form.cleaned_data["organ"], channel=form.cleaned_data["channel"], data=data,
                received_on=form.cleaned_data["received_on"], by=request.user,
                attachments=form.cleaned_data["attachments"], receipt_note=form.cleaned_data["receipt_note"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Registered as %(number)s. Give the applicant this secret for the case page: %(secret)s") % {
                "number": result.application.tracking_number, "secret": result.secret})
            return redirect("applications_ws:detail", pk=result.application.pk)
    return render(request, "applications/ws/register.html", {"form": form})


def _application(request, pk) -> Application:
    application = get_object_or_404(Application.objects.select_related("organ", "assignee", "department"), pk=pk)
    require_read(request.user, application.organ)
    return application


@login_required
def detail(request, pk):
    return _render_detail(request, _application(request, pk))


def buttons(application: Application, user, *, current_reply: Reply | None, waiting_signoff, fee) -> dict[str, bool]:
    """The case page's actions ``user`` may take now: the moves the table allows (``MOVES.allowed``), and for some
    the further condition their service checks too (no second correction, one fee, a deadline passed…)."""
    verbs = set(MOVES.allowed(application, user))
    today = timezone.localdate()
    can = {action: verb in verbs for action, verb in ACTION_VERBS.items()}
    can["claim"] = can["claim"] and application.assignee_id is None
    can["correction"] = can["correction"] and application.correction_requested_on is None
    can["close_uncorrected"] = can["close_uncorrected"] and application.correction_deadline is not None \
        and today > application.correction_deadline
    can["extend"] = can["extend"] and not application.extension_days
    can["fee"] = can["fee"] and fee is None
    can["close_unpaid"] = can["close_unpaid"] and fee is not None and today > fee.pay_by
    can["submit"] = can["submit"] and current_reply is not None and current_reply.status == ReplyStatus.DRAFT
    can["decide"] = waiting_signoff is not None
    can["appeal"] = application.received_on is not None and APPEALS.can(Appeal(organ=application.organ), user, "record_appeal")
    return can


def _render_detail(request, application: Application, *, failed: dict | None = None, status: int = 200,
                   unmasked: dict | None = None):
    """The case page. ``failed`` (after a refused action): the action, the field at fault, the message and
    what was typed, so the form comes back filled in with the message under it — nothing typed is lost.
    The applicant's personal data is masked by role; ``unmasked`` (after the audited unmask action) shows it
    in full this once. Every showing of the page is an audited read of the personal data."""
    user, organ = request.user, application.organ
    if unmasked is None:
        privacy.record_read(application, by=user)
    personal_level = privacy.level(user, organ)
    failed = failed or {}
    kept = failed.get("data") if failed else None
    replies = list(application.replies.select_related("signoff", "created_by"))
    current_reply = replies[-1] if replies else None
    waiting_signoff = None
    if current_reply and current_reply.status == ReplyStatus.IN_SIGNOFF and current_reply.signoff_id:
        signoff = current_reply.signoff
        if has_role(user, organ, signoff.current_role):
            waiting_signoff = signoff
    from gongkai.applications.models import Fee

    fee = Fee.objects.filter(application=application).first()
    can = buttons(application, user, current_reply=current_reply, waiting_signoff=waiting_signoff, fee=fee)
    draft_initial = {}
    if current_reply is not None and current_reply.status in (ReplyStatus.DRAFT, ReplyStatus.RETURNED):
        draft_initial = {f: getattr(current_reply, f) for f in ("outcome", "legal_basis", "body", "documents_provided", "other_organ")}
    forms = {"draft": ReplyForm(initial=draft_initial), "consult": ConsultationForm(), "appeal": AppealForm(),
             "appeal_decide": AppealDecisionForm()}
    form_classes = {"draft": ReplyForm, "consult": ConsultationForm, "appeal": AppealForm, "appeal_decide": AppealDecisionForm}
    if failed.get("action") in form_classes:
        bound = form_classes[failed["action"]](kept)
        bound.is_valid()
        field = failed.get("field") if failed.get("field") in bound.fields else None
        if failed.get("message") and not bound.errors:
            bound.add_error(field, failed["message"])
        forms[failed["action"]] = bound
    response = render(request, "applications/ws/detail.html", {
        "a": application,
        "can": can,
        "explanation": application.due_explanation,
        "provisional_warning": PROVISIONAL_WARNING,
        "replies": replies,
        "current_reply": current_reply,
        "waiting_signoff": waiting_signoff,
        "signoffs": history(current_reply) if current_reply else [],
        "reply_form": forms["draft"],
        "consultation_form": forms["consult"],
        "appeal_form": forms["appeal"],
        "appeal_decision_form": forms["appeal_decide"],
        "failed": failed,
        "kept": kept if kept is not None else {},
        "departments": Department.objects.filter(organ=application.organ, is_active=True),
        "handlers": _handlers(application),
        "consultations": application.consultations.all(),
        "answers": [c for c in ConsultationAnswer.choices if c[0] != ConsultationAnswer.PENDING],
        "letters": application.letters.all(),
        "notes": application.notes.select_related("author"),
        "attachments": application.attachments.all(),
        "released_files": [(f, list(released_files.findings_of(f)) if not f.is_item else [])
                           for f in released_files.current_files(application)],
        "removed_files": application.released_files.filter(removed_at__isnull=False).select_related("removed_by"),
        "fee": fee,
        "fee_schemes": FeeScheme.choices,
        "deliveries": DeliveryMethod.choices,
        "appeals": application.appeals.all(),
        "trail": [(event, action_label(event.action))
                  for event in trail_for(application).exclude(action=privacy.READ_ACTION)[:100]],
        "messages_sent": [(m, m.address if unmasked else (privacy.mask_contact(m.address)
                                                          if personal_level == privacy.PARTIAL else masking.hide(m.address)))
                          for m in outbox.messages_about(application).select_related("recipient")[:50]],
        "personal": unmasked or privacy.masked(application, personal_level),
        "unmasked": unmasked is not None,
        "can_unmask": privacy.can_unmask(user, organ) and unmasked is None,
        "duplicate": application.possible_duplicate_of,
        "calendar_sources": explanation_sources(application.due_explanation),
        "today": timezone.localdate(),
    }, status=status)
    response["Cache-Control"] = "no-store, private"  # personal data: kept by no cache
    return response


def explanation_sources(explanation: dict) -> list[str]:
    return list((explanation or {}).get("reply", {}).get("sources", []))


def _handlers(application: Application):
    return people_who_may(application.organ, "claim")


@login_required
@require_POST
def action(request, pk, action):
    if action not in ACTIONS and action != "unmask":
        raise Http404
    application = _application(request, pk)
    try:
        if action == "unmask":
            # shown once, in this response only (not stored, not cached); the service writes the audit row
            values = privacy.unmask(application, by=request.user, reason=request.POST.get("reason", ""))
            return _render_detail(request, application, unmasked=values)
        spec = ACTIONS[action]
        form = spec.form(request.POST, application=application)
        if not form.is_valid():
            raise form.domain_error()
        message = spec.run(application, request.user, form.cleaned_data, request.FILES)
    except NotAllowed as error:
        refuse(request, error)  # a refusal: 403
        raise
    except DomainError as error:
        # Nothing was saved: show the page again with the form as typed and the message under it.
        failed = {"action": action, "field": error.field, "message": str(error.message), "data": request.POST}
        return _render_detail(request, application, failed=failed, status=409 if isinstance(error, InvalidTransition) else 400)
    messages.success(request, message)
    return redirect("applications_ws:detail", pk=application.pk)


@login_required
def letter(request, pk, letter_id, fmt):
    application = _application(request, pk)
    item = get_object_or_404(CaseLetter, pk=letter_id, application=application)
    response = _letter_response(request, item, fmt)
    log_action(application, "applications.file_downloaded", by=request.user, data={"letter": item.pk, "format": fmt, "name": item.download_name(fmt)})
    return response


@login_required
def attachment(request, pk, attachment_id):
    application = _application(request, pk)
    item = get_object_or_404(application.attachments, pk=attachment_id)
    if not item.is_clean:  # quarantined: waiting for its virus scan, or refused
        raise Http404(_("This file is being checked or was refused by the virus scan."))
    response = serve(request, item.file, filename=item.name, private=True)
    log_action(application, "applications.file_downloaded", by=request.user, data={"attachment": item.pk, "name": item.name})
    return response



@login_required
def released_file(request, pk, file_id, copy):
    """A file to be released with the reply, for staff reading the case (the reviewers see both copies)."""
    application = _application(request, pk)
    item = get_object_or_404(application.released_files, pk=file_id, item__isnull=True)
    if copy == "redacted":
        field, name, clean = item.redacted_file, item.redacted_name, item.redacted_check_state == "clean"
    elif copy == "original":
        field, name, clean = item.file, item.name, item.check_state == "clean"
    else:
        raise Http404
    if not field or not clean:  # quarantined: waiting for its virus scan, or refused
        raise Http404(_("This file is being checked or was refused by the virus scan."))
    response = serve(request, field, filename=name, private=True)
    log_action(application, "applications.file_downloaded", by=request.user, data={"released_file": item.pk, "copy": copy, "name": name})
    return response
