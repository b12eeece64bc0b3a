"""Workspace pages for importing an existing catalogue: upload a file, read the
dry-run report, confirm. The uploaded file is kept in storage between the two
steps (web processes are stateless); the confirmation carries a signed token
naming the file, the organ and the user who checked it."""

from __future__ import annotations

import csv
import io
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.catalogue.importing import COLUMN_LABELS, ImportFileError, run_import
from gongkai.catalogue.workflow import IMPORTING_ROLES
from gongkai.core.errors import DomainError
from gongkai.core.spreadsheets import csv_row
from gongkai.core.uploads import CATALOGUE_IMPORT, check_size
from gongkai.organs.models import Organ
from gongkai.organs.permissions import organs_with_role, require_role

TOKEN_SALT = "gongkai.catalogue.import"
ERRORS_SALT = "gongkai.catalogue.import.errors"
TOKEN_MAX_AGE = 24 * 3600
SHOWN_ERRORS = 500


class ImportForm(forms.Form):
    organ = forms.ModelChoiceField(label=gettext_lazy("Organ"), queryset=Organ.objects.none())
    file = forms.FileField(
        label=gettext_lazy("Catalogue file"),
        help_text=gettext_lazy("Excel (.xlsx) or CSV (UTF-8 or GB18030); the first row holds the column names."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organs = organs_with_role(user, *IMPORTING_ROLES).filter(is_active=True)
        self.fields["organ"].queryset = organs
        if len(organs) == 1:
            self.fields["organ"].initial = organs[0].pk


def _allowed(user):
    if not organs_with_role(user, *IMPORTING_ROLES).exists():
        raise PermissionDenied(_("Importing a catalogue needs the role web administrator or disclosure office."))


@login_required
def upload(request):
    _allowed(request.user)
    report = token = errors_token = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            organ = form.cleaned_data["organ"]
            require_role(request.user, organ, *IMPORTING_ROLES)
            uploaded = form.cleaned_data["file"]
            name = uploaded.name.rsplit("/", 1)[-1][:100]
            try:
                check_size(uploaded, purpose=CATALOGUE_IMPORT, field="file")
                report = run_import(uploaded, organ=organ, by=request.user, name=name, dry_run=True)
            except DomainError as error:
                form.add_error("file", str(error.message))
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if report.ok and report.rows:
                    uploaded.seek(0)
                    path = default_storage.save(f"imports/{uuid.uuid4().hex}/upload", uploaded)
                    token = signing.dumps({"path": path, "organ": organ.pk, "user": request.user.pk, "name": name}, salt=TOKEN_SALT)
                elif not report.rows:
                    form.add_error("file", _("The file has column names but no rows."))
                if report.errors:
                    errors_token = _save_error_list(report, name=name, user=request.user)
    else:
        form = ImportForm(user=request.user)
    return render(
        request,
        "catalogue/import.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "errors_token": errors_token,
            "shown_errors": report.errors[:SHOWN_ERRORS] if report else [],
            "columns": [(COLUMN_LABELS[k], v) for k, v in report.columns.items()] if report else [],
        },
    )


def _own_token(request, token: str, salt: str, not_yours: str) -> dict | None:
    """The data of a signed dry-run token, or None when it expired or was tampered with;
    refused when it was made for another person."""
    try:
        data = signing.loads(token, salt=salt, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if data["user"] != request.user.pk:
        raise PermissionDenied(not_yours)
    return data


@login_required
@require_POST
def confirm(request):
    _allowed(request.user)
    data = _own_token(
        request, request.POST.get("token", ""), TOKEN_SALT,
        _("Only the person who checked the file may confirm its import."),
    )
    if data is None:
        return HttpResponseBadRequest(_("This import has expired or is invalid; upload the file again."))
    organ = Organ.objects.get(pk=data["organ"])
    require_role(request.user, organ, *IMPORTING_ROLES)
    try:
        with default_storage.open(data["path"], "rb") as stream:
            report = run_import(stream, organ=organ, by=request.user, name=data["name"], dry_run=False)
    except (ImportFileError, FileNotFoundError):
        return HttpResponseBadRequest(_("This import has expired or is invalid; upload the file again."))
    if not report.ok:
        # The catalogue changed since the dry run (e.g. an index number was used meanwhile).
        form = ImportForm(user=request.user, initial={"organ": organ.pk})
        return render(
            request,
            "catalogue/import.html",
            {"form": form, "report": report, "token": None, "shown_errors": report.errors[:SHOWN_ERRORS], "columns": []},
            status=409,
        )
    messages.success(
        request,
        _("Imported %(count)d items into %(organ)s.") % {"count": report.imported, "organ": organ.name},
    )
    return redirect("workspace:catalogue_import:upload")


def _save_error_list(report, *, name: str, user) -> str:
    """Every bad row of a dry run as a CSV (UTF-8 with BOM, so Excel opens it), kept
    in storage; the page shows the first rows and links to the whole list."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row([_("Row"), _("Reason")]))
    for error in report.errors:
        writer.writerow(csv_row([error.row, "；".join(str(m) for m in error.messages)]))
    path = default_storage.save(
        f"imports/{uuid.uuid4().hex}/errors.csv", ContentFile(("\ufeff" + buffer.getvalue()).encode("utf-8"))
    )
    return signing.dumps({"path": path, "user": user.pk, "name": name}, salt=ERRORS_SALT)


@login_required
def error_list(request):
    """Download every bad row of the dry run the same person made."""
    _allowed(request.user)
    data = _own_token(
        request, request.GET.get("token", ""), ERRORS_SALT,
        _("Only the person who checked the file may download its list of bad rows."),
    )
    if data is None:
        return HttpResponseBadRequest(_("This list has expired or is invalid; check the file again."))
    try:
        stream = default_storage.open(data["path"], "rb")
    except FileNotFoundError:
        return HttpResponseBadRequest(_("This list has expired or is invalid; check the file again."))
    stem = data["name"].rsplit(".", 1)[0] or "import"
    return FileResponse(stream, as_attachment=True, filename=_("%(name)s bad rows.csv") % {"name": stem}, content_type="text/csv")
