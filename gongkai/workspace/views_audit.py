"""The audit administrator's screens: the whole audit trail, filtered (person, organ, action, record, dates), read
page by page and exported as CSV or XLSX. Read-only; an export is itself recorded. Pages are keyset-paginated
(``before=<id>``), so a page costs the same on a table of any size and nothing is counted."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.accounts.duties import is_audit_reader
from gongkai.accounts.security import unwrap
from gongkai.core.audit import action_label, log_action
from gongkai.core.models import AuditEvent
from gongkai.core.params import parse_int
from gongkai.organs.models import Organ

PAGE_SIZE = 50
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("Person"), required=False, max_length=150)
    organ = forms.ModelChoiceField(label=gettext_lazy("Organ"), queryset=Organ.objects.order_by("path"), required=False)
    action = forms.CharField(label=gettext_lazy("Action starts with"), required=False, max_length=80)
    target = forms.CharField(label=gettext_lazy("Record contains"), required=False, max_length=100)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def events(self):
        events = AuditEvent.objects.all()
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["actor"]:
            events = events.filter(Q(actor__username=data["actor"]) | Q(actor_name=data["actor"]))
        if data["organ"]:
            events = events.filter(organ=data["organ"])
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["target"]:
            events = events.filter(target_repr__icontains=data["target"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone))
        if data["date_to"]:
            events = events.filter(at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
        return events

    def described(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: (str(v.pk) if isinstance(v, Organ) else str(v)) for k, v in self.cleaned_data.items() if v}


def _require_reader(request) -> None:
    if not is_audit_reader(request.user):
        raise PermissionDenied(_("The whole audit trail is for the audit administrator."))


@login_required
def audit_trail(request):
    _require_reader(request)
    form = AuditFilterForm(request.GET or None)
    events = form.events() if request.GET else AuditEvent.objects.all()
    before = parse_int(request.GET.get("before"))
    if before:
        events = events.filter(pk__lt=before)
    rows = list(events.select_related("organ").order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "workspace/audit_trail.html", {
        "form": form, "events": rows, "query": query.urlencode(),
        "next_before": rows[-1].pk if more and rows else None, "paged": bool(before),
    })


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _rows(events):
    yield [_("time"), _("actor"), _("organ"), _("action"), _("action code"), _("record type"), _("record id"),
           _("record"), _("reason"), _("details")]
    fields = ("at", "actor_name", "organ__name", "action", "target_type__model", "target_id", "target_repr", "reason", "data")
    for at, actor, organ, action, model, target_id, target, reason, data in events.order_by("-pk").values_list(*fields).iterator(
        chunk_size=2000
    ):
        yield [_text(at), actor, organ or "", action_label(action), action, model, target_id, target, reason, _text(data)]


def _csv_cell(value: str) -> str:
    """Text that a spreadsheet opening the CSV cannot take for a formula."""
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value):
        return value


@login_required
def audit_export(request, fmt: str):
    _require_reader(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    events = form.events() if request.GET else AuditEvent.objects.all()
    log_action(unwrap(request.user), "accounts.audit_exported", by=request.user, data={"format": fmt, "filters": form.described()})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"  # Excel reads UTF-8 with the mark
            for row in _rows(events):
                yield writer.writerow([_csv_cell(cell) for cell in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit trail"))
    for number, row in enumerate(_rows(events)):
        if number > XLSX_MAX_ROWS:
            break
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=str(value))
            cell.data_type = "s"  # always text, never a formula
            cells.append(cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=f"audit-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
