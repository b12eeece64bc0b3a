"""Workspace screens of the annual report: thin views over the services and selectors. Reading is checked
through ``gongkai.organs.permissions``; every move is offered and refused by ``gongkai.reports.workflow.MOVES``;
domain errors reach the person through ``gongkai.core.faces``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core import faces
from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError
from gongkai.core.params import parse_int
from gongkai.organs.models import Organ, OrganKind, Role
from gongkai.organs.permissions import can_read_organ, has_role, readable_organs, require_read, supervised_organs
from gongkai.reports import checks, comparison, counting, exports, forms, importing, services, stats, structure
from gongkai.reports.models import ACTION_LABELS, AnnualReport, ReportOrigin, ReportScope, ReportStatus, publication_deadline
from gongkai.reports.workflow import MOVES, blank, check, decision_waits_for
from gongkai.signoff import services as signoff_services


def _default_year() -> int:
    return timezone.localdate().year - 1


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or _default_year())
    except ValueError:
        raise Http404
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _home(request) -> str:
    return reverse("reports_ws:home")


# A refused move goes back where the person came from, if that is a page of the workspace, else to the reports home.
domain_errors = faces.domain_errors(_home, prefix="/workspace/")


def _report(request, pk) -> AnnualReport:
    report = get_object_or_404(AnnualReport.objects.select_related("organ"), pk=pk)
    require_read(request.user, report.organ)
    return report


# --- home -------------------------------------------------------------------------------------


@login_required
def home(request):
    year = _year(request)
    organs = list(readable_organs(request.user).filter(is_active=True).order_by("path"))
    if not organs:
        raise PermissionDenied(_("You hold no role in any organ."))
    reports = {
        (r.organ_id, r.scope): r
        for r in AnnualReport.objects.official().filter(organ__in=organs, year=year).select_related("organ")
    }
    deadline = publication_deadline(year)
    overdue = timezone.localdate() > deadline
    rows = []
    for organ in organs:
        report = reports.get((organ.pk, ReportScope.ORGAN))
        published = report is not None and report.status == ReportStatus.PUBLISHED
        rows.append({
            "organ": organ, "report": report, "can_generate": MOVES.can(report or blank(organ), request.user, "generate"),
            # Not published by the deadline, or published after it.
            "late": report.is_late if published else overdue,
            "published_late": published and report.is_late,
        })
    governments = [o for o in organs if o.kind == OrganKind.GOVERNMENT and has_role(request.user, o, Role.DISCLOSURE_OFFICE)]
    imported = AnnualReport.objects.filter(organ__in=organs, origin=ReportOrigin.IMPORTED).select_related("organ")[:20]
    return render(request, "reports/ws_home.html", {
        "year": year, "years": [y for y, _label in forms.year_choices()], "rows": rows, "governments": governments,
        "to_publish": MOVES.waiting_for(request.user, AnnualReport.objects.official(), "publish").select_related("organ"),
        "deadline": deadline, "overdue_count": sum(1 for row in rows if row["late"] and not row["published_late"]),
        "imported": imported,
    })


# --- one report --------------------------------------------------------------------------------


@login_required
def organ_year(request, organ_id: int, year: int):
    organ = get_object_or_404(Organ, pk=organ_id)
    require_read(request.user, organ)
    report = services.official_report(organ, year)
    if report is None or report.status == ReportStatus.NOT_STARTED:
        return render(request, "reports/ws_not_started.html", {
            "organ": organ, "year": year, "can_generate": MOVES.can(report or blank(organ), request.user, "generate"),
        })
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def generate(request, organ_id: int, year: int):
    organ = get_object_or_404(Organ, pk=organ_id)
    require_read(request.user, organ)
    report = services.generate(organ, year, by=request.user)
    messages.success(request, _("The report was generated from the platform's records."))
    return redirect("reports_ws:report", pk=report.pk)


def _link_for(report):
    def link(key):
        return reverse("reports_ws:cell", args=[report.pk, key])

    return link


def _findings_view(report) -> dict[str, list[dict]]:
    """The findings for the page: failures and warnings in full, with their cells and the records behind a
    failure; the other checks (passed, blank, not run) as one sentence each, to be folded away."""
    view: dict[str, list[dict]] = {"failed": [], "warnings": [], "settled": []}
    for finding in report.findings:
        if finding["status"] not in (checks.FAILED, checks.WARNING):
            view["settled"].append({**finding, "text": checks.explain(finding)})
            continue
        cells = [{"key": k, "label": structure.cell_label(k), "value": structure.format_value(k, report.value(k))} for k in finding["left"]]
        if finding["rule"] == "R5":
            cells += [{"key": k, "label": _("Last year: ") + structure.cell_label(k), "value": None, "other": True} for k in finding["right"]]
        else:
            cells += [{"key": k, "label": structure.cell_label(k), "value": structure.format_value(k, report.value(k))} for k in finding["right"]]
        # Cells at 0 add nothing to a sum: name them by count, list the others.
        shown = [c for c in cells if c.get("other") or c["key"] in finding["left"] or c["value"] not in ("0",)]
        suspects = checks.suspect_records(report, finding)
        view["failed" if finding["status"] == checks.FAILED else "warnings"].append({
            **finding, "text": checks.explain(finding), "cells": shown, "zero_count": len(cells) - len(shown),
            "blank_labels": [structure.cell_label(k) for k in finding["blank_cells"]],
            "suspects": list(suspects[1][:20]) if suspects else [], "suspect_kind": suspects[0] if suspects else "",
        })
    return view


def _trail(report) -> list[dict]:
    """The report's audit trail in words: what was done, by whom, when, why, and for figures the old and new value."""
    entries = []
    for event in trail_for(report)[:50]:
        detail = ""
        data = event.data or {}
        if event.action == "reports.figure_set" and data.get("figure") in structure.T2_BY_CODE:
            blank = _("(blank)")
            detail = f"{structure.T2_BY_CODE[data['figure']].label}: {data.get('old') or blank} → {data.get('new') or blank}"
        elif event.action == "reports.checks_overridden" and data.get("failing"):
            detail = _("failing: %(checks)s") % {"checks": ", ".join(data["failing"])}
        entries.append({
            "at": event.at, "actor_name": event.actor_name, "action": event.action,
            "label": ACTION_LABELS.get(event.action, event.action), "reason": event.reason, "detail": detail,
        })
    return entries


def _detail_context(request, report, **extra):
    failing = report.failing
    flagged = {k for f in failing for k in f["left"] + (f["right"] if f["rule"] != "R5" else [])}
    user = request.user
    organ = report.organ
    signoff = services.pending_signoff(report)
    allowed = set(MOVES.allowed(report, user))
    findings = _findings_view(report)
    context = {
        "report": report,
        **exports.report_context(report, link=_link_for(report), flagged=flagged),
        **findings,
        "failing_count": len(findings["failed"]),
        "warning_count": len(findings["warnings"]),
        "manual": {f.code: f for f in report.manual_figures.select_related("entered_by")},
        "manual_codes": [(c, structure.T2_BY_CODE[c].label) for c in structure.MANUAL_FIGURES],
        "blank_manual": [structure.T2_BY_CODE[c].label for c, key in structure.MANUAL_KEYS.items() if report.value(key) is None],
        "allowed": allowed,
        "can_edit": "edit" in allowed,
        "can_regenerate": ("aggregate" if report.scope == ReportScope.GOVERNMENT else "generate") in allowed,
        "can_check": "check" in allowed,
        "can_submit": "submit" in allowed,
        "can_withdraw": "withdraw" in allowed,
        "can_override": "override" in allowed and bool(failing),
        "can_publish": "publish" in allowed,
        "can_return": "return" in allowed,
        "signoff": signoff,
        "can_decide": decision_waits_for(report, user, signoff),
        "history": signoff_services.history(report),
        "trail": _trail(report),
        "figures_form": forms.FiguresForm(initial={
            c: structure.format_value(structure.MANUAL_KEYS[c], report.value(structure.MANUAL_KEYS[c])) for c in structure.MANUAL_FIGURES
        }),
        "texts_form": forms.TextsForm(initial={"overview": report.overview, "problems": report.problems, "other_matters": report.other_matters}),
        "override_form": forms.OverrideForm(),
        "decide_form": forms.DecideForm(),
        "return_form": forms.ReturnForm(),
        "spreadsheet_form": forms.SpreadsheetForm(),
        "others": AnnualReport.objects.filter(organ=organ).exclude(pk=report.pk).order_by("-year")[:10],
    }
    context.update(extra)
    return context


@login_required
def report_detail(request, pk: int):
    report = _report(request, pk)
    if report.status == ReportStatus.NOT_STARTED and report.scope == ReportScope.ORGAN:
        return redirect("reports_ws:organ_year", organ_id=report.organ_id, year=report.year)  # offers to generate it
    return render(request, "reports/ws_report.html", _detail_context(request, report))


@login_required
@require_POST
@domain_errors
def figures(request, pk: int):
    report = _report(request, pk)
    check(report, request.user, "edit")
    form = forms.FiguresForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/ws_report.html", _detail_context(request, report, figures_form=form), status=400)
    note = form.cleaned_data.get("note", "")
    for code in structure.MANUAL_FIGURES:
        value = form.cleaned_data[f"{code}_value"]
        key = structure.MANUAL_KEYS[code]
        if structure.to_json(key, value) != report.cells.get(key) or note:
            report = services.set_manual_figure(report, code, "" if value is None else str(value), by=request.user, note=note)
    messages.success(request, _("The figures were saved."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def figures_import(request, pk: int):
    report = _report(request, pk)
    check(report, request.user, "edit")
    form = forms.SpreadsheetForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reports/ws_report.html", _detail_context(request, report, spreadsheet_form=form), status=400)
    services.import_manual_figures(report, form.cleaned_data["file"], by=request.user)
    messages.success(request, _("The figures were read from the spreadsheet."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def texts(request, pk: int):
    report = _report(request, pk)
    check(report, request.user, "edit")
    form = forms.TextsForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/ws_report.html", _detail_context(request, report, texts_form=form), status=400)
    services.set_texts(report, by=request.user, **form.cleaned_data)
    messages.success(request, _("The text sections were saved."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def run_checks(request, pk: int):
    report = _report(request, pk)
    report = services.run_checks(report, by=request.user)
    messages.info(request, _("Checks run: %(count)s failing.") % {"count": len(report.failing)})
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def submit(request, pk: int):
    report = _report(request, pk)
    services.submit(report, by=request.user)
    messages.success(request, _("The report was submitted for sign-off."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def withdraw(request, pk: int):
    report = _report(request, pk)
    services.withdraw(report, by=request.user)
    messages.success(request, _("The report was taken back from sign-off; it can be changed and submitted again."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def decide(request, pk: int):
    report = _report(request, pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/ws_report.html", _detail_context(request, report, decide_form=form), status=400)
    if not decision_waits_for(report, request.user, services.pending_signoff(report)):
        raise PermissionDenied(_("This report is not waiting for your sign-off."))
    services.decide(report, by=request.user, **form.cleaned_data)
    messages.success(request, _("Your decision was recorded."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def override(request, pk: int):
    report = _report(request, pk)
    form = forms.OverrideForm(request.POST)
    if not MOVES.role_allows(report, request.user, "override"):
        raise PermissionDenied(_("Only the principal or deputy leader may override failing checks."))
    if not form.is_valid():
        return render(request, "reports/ws_report.html", _detail_context(request, report, override_form=form), status=400)
    services.override_checks(report, by=request.user, reason=form.cleaned_data["reason"])
    messages.warning(request, _("The failing checks were overridden; your name and reason are recorded."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def publish(request, pk: int):
    report = _report(request, pk)
    services.publish(report, by=request.user)
    messages.success(request, _("The report was published in the disclosure column."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
@require_POST
@domain_errors
def return_report(request, pk: int):
    report = _report(request, pk)
    if not MOVES.role_allows(report, request.user, "return"):
        raise PermissionDenied(_("Only the supervising office may return a report."))
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/ws_report.html", _detail_context(request, report, return_form=form), status=400)
    services.supervisor_return(report, by=request.user, comment=form.cleaned_data["comment"])
    messages.success(request, _("The report was returned with your comments."))
    return redirect("reports_ws:report", pk=report.pk)


@login_required
def export(request, pk: int, fmt: str):
    report = _report(request, pk)
    name = f"{report.organ.slug}-{report.year}"
    if fmt == "docx":
        response = HttpResponse(exports.render_docx(report), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    elif fmt == "pdf":
        response = HttpResponse(exports.render_pdf(report), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# --- drill-down ---------------------------------------------------------------------------------


@login_required
def cell(request, pk: int, key: str):
    report = _report(request, pk)
    if key not in structure.ALL_KEY_SET:
        raise Http404
    context = {"report": report, "key": key, "label": structure.cell_label(key), "value": structure.format_value(key, report.value(key))}
    if report.is_imported:
        context["kind"] = "imported"
    else:
        kind, qs = counting.records_for(checks.report_organ_ids(report), report.year, key)
        context["kind"] = kind
        if kind == "manual":
            code = key.split(".")[1]
            context["figure"] = report.manual_figures.filter(code=code).select_related("entered_by").first()
        elif qs is not None:
            page = Paginator(qs.order_by("pk"), 50).get_page(request.GET.get("page"))
            if kind == "appeal":  # the column an appeal is counted in is its result as known on 31 December
                labels = structure.T4_RESULT_LABELS
                for appeal in page:
                    appeal.year_end_label = labels.get(appeal.year_end_result, appeal.year_end_result)
            context["page"] = page
            context["live_count"] = page.paginator.count
    return render(request, "reports/ws_cell.html", context)


# --- supervision ---------------------------------------------------------------------------------


@login_required
def supervision(request, government_id: int):
    government = get_object_or_404(Organ, pk=government_id, kind=OrganKind.GOVERNMENT)
    if not has_role(request.user, government, Role.DISCLOSURE_OFFICE):
        raise PermissionDenied(_("Only the disclosure office of %(organ)s supervises its organs.") % {"organ": government.name})
    year = _year(request)
    organs = list(supervised_organs(request.user).filter(path__startswith=government.path, is_active=True).exclude(pk=government.pk).order_by("path"))
    reports = {r.organ_id: r for r in AnnualReport.objects.official().filter(organ__in=organs, year=year, scope=ReportScope.ORGAN)}
    deadline = publication_deadline(year)
    today = timezone.localdate()
    rows = []
    counts: dict[str, int] = {}
    for organ in organs:
        report = reports.get(organ.pk)
        status = report.status if report else ReportStatus.NOT_STARTED
        late = (report.is_late if report and report.status == ReportStatus.PUBLISHED else today > deadline)
        key = _("Late") if late and status != ReportStatus.PUBLISHED else str(ReportStatus(status).label)
        counts[key] = counts.get(key, 0) + 1
        rows.append({"organ": organ, "report": report, "status": ReportStatus(status).label, "late": late})
    gov_report = services.official_report(government, year, ReportScope.GOVERNMENT)
    return render(request, "reports/ws_supervision.html", {
        "government": government, "year": year, "rows": rows, "counts": counts, "deadline": deadline,
        "gov_report": gov_report,
        "can_aggregate": MOVES.can(gov_report or blank(government, ReportScope.GOVERNMENT), request.user, "aggregate"),
        "gov_deadline": publication_deadline(year, ReportScope.GOVERNMENT),
        "years": [y for y, _l in forms.year_choices()],
    })


@login_required
@require_POST
@domain_errors
def aggregate(request, government_id: int, year: int):
    government = get_object_or_404(Organ, pk=government_id)
    report = services.build_government_report(government, year, by=request.user)
    messages.success(request, _("The government-wide report was built from %(count)s organs.") % {"count": len(report.sources)})
    return redirect("reports_ws:report", pk=report.pk)


# --- import and comparison ---------------------------------------------------------------------------


@login_required
def import_view(request):
    readable = readable_organs(request.user).filter(is_active=True).order_by("path")
    # Offered: the organs whose report this person may prepare, not those they only supervise.
    organs = readable.filter(
        pk__in=[organ.pk for organ in readable if MOVES.can(blank(organ, origin=ReportOrigin.IMPORTED), request.user, "import")]
    )
    if not organs.exists():
        raise PermissionDenied(_("Only the disclosure office or a clerk may import an annual report."))
    form = forms.ImportForm(request.POST, request.FILES, organs=organs) if request.method == "POST" else forms.ImportForm(organs=organs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        content = upload.read() if upload else data["html"].encode("utf-8")
        try:
            report = importing.import_report(
                data["organ"], data["year"], by=request.user, content=content,
                filename=getattr(upload, "name", "pasted.html"), source=data.get("source", ""),
            )
        except DomainError as error:
            error.field = "file" if upload else "html"  # what could not be read is what was given
            faces.form_error(form, error)
        else:
            if report.import_notes:
                messages.warning(request, _("Imported, but some parts could not be read: see the list below."))
            else:
                messages.success(request, _("The report was imported and checked."))
            return redirect("reports_ws:report", pk=report.pk)
    return render(request, "reports/ws_import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def compare(request):
    try:
        older = _report(request, int(request.GET.get("a", "0")))
        newer = _report(request, int(request.GET.get("b", "0")))
    except ValueError:
        raise Http404
    if older.organ_id != newer.organ_id:
        messages.warning(request, _("The two reports are of different organs."))
    if older.year > newer.year:
        older, newer = newer, older
    return render(request, "reports/ws_compare.html", comparison.compare(older, newer))


# --- dashboards ------------------------------------------------------------------------------------


@login_required
def dashboard(request):
    year = _year(request)
    organs = list(readable_organs(request.user).filter(is_active=True).order_by("path"))
    if not organs:
        raise PermissionDenied(_("You hold no role in any organ."))
    organ_param = request.GET.get("organ", "")
    if organ_param:
        organ_id = parse_int(organ_param)
        if organ_id is None:
            raise BadRequest(_("The organ in the address is not a valid organ number."))
        organ = get_object_or_404(Organ, pk=organ_id)
        if not can_read_organ(request.user, organ):
            raise PermissionDenied(_("You have no access to %(organ)s.") % {"organ": organ.name})
        organ_ids, across, scope_name = [organ.pk], False, organ.name
    else:
        organ_ids, across, scope_name = [o.pk for o in organs], True, _("All organs you can read")
    charts, computed_at = stats.cached_dashboard(organ_ids, year, across=across)
    if request.GET.get("format") == "xlsx":
        code = request.GET.get("chart")
        chosen = [c for c in charts if not code or c.code == code]
        if not chosen:
            raise Http404
        response = HttpResponse(stats.to_xlsx(chosen, title=f"{scope_name} {year}"),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="statistics-{year}-{code or "all"}.xlsx"'
        return response
    return render(request, "reports/ws_dashboard.html", {
        "charts": charts, "charts_json": [c.as_json() for c in charts], "year": year, "organs": organs,
        "organ_param": organ_param, "scope_name": scope_name, "years": [y for y, _l in forms.year_choices()],
        "query": request.GET.urlencode(), "computed_at": computed_at,
    })
