"""Public face: the annual-report section of each organ's disclosure column.
Only published reports are shown; the downloads are the files rendered at publication."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from gongkai.core import ratelimit
from gongkai.core.errors import DomainError
from gongkai.core.files import serve
from gongkai.organs.models import Organ
from gongkai.reports import checks, exports, forms, importing, layout, structure
from gongkai.reports.models import AnnualReport, ReportScope


def index(request):
    reports = (
        AnnualReport.objects.official().published().select_related("organ").order_by("organ__path", "-year", "scope")
    )
    organ_slug = request.GET.get("organ")
    if organ_slug:
        reports = reports.filter(organ__slug=organ_slug)
    groups: dict = {}
    for report in reports:
        groups.setdefault(report.organ, []).append(report)
    organ = Organ.objects.filter(slug=organ_slug).first() if organ_slug else None
    return render(request, "reports/public_index.html", {"groups": groups, "organ_slug": organ_slug, **_column(organ)})


def _column(organ) -> dict:
    """What the portal shell needs to show the organ's disclosure column around the page."""
    if organ is None:
        return {}
    return {"organ": organ, "government": organ.government, "section": "annual"}


def _published(slug: str, year: int, scope: str) -> AnnualReport:
    organ = get_object_or_404(Organ, slug=slug)
    return get_object_or_404(AnnualReport.objects.official().published(), organ=organ, year=year, scope=scope)


def report(request, slug: str, year: int, scope: str = ReportScope.ORGAN):
    report = _published(slug, year, scope)
    return render(request, "reports/public_report.html", {**exports.report_context(report), "report": report, **_column(report.organ)})


def download(request, slug: str, year: int, fmt: str, scope: str = ReportScope.ORGAN):
    report = _published(slug, year, scope)
    stored = {"docx": report.docx_file, "pdf": report.pdf_file}.get(fmt)
    if not stored:
        raise Http404
    return serve(request, stored, filename=f"{report.organ.slug}-{report.year}年度报告.{fmt}", private=False)


def check(request):
    """Check a report published anywhere (useful to the public and to researchers): the file is read into
    the 2021 structure, its tables shown as read, the parts that could not be read named, and every check run
    except the comparison with last year's report. Nothing is stored and no account is needed."""
    form = forms.PublicCheckForm(request.POST, request.FILES) if request.method == "POST" else forms.PublicCheckForm()
    context: dict = {"form": form}
    limited = ratelimit.hit(request, "report_check") if request.method == "POST" else None
    if limited is not None:
        form.is_valid()
        form.add_error(None, ratelimit.form_message(limited))
        return ratelimit.mark(render(request, "reports/public_check.html", context), limited)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        content = upload.read() if upload else form.cleaned_data["html"].encode("utf-8")
        try:
            kind, parsed = importing.read(content, getattr(upload, "name", "pasted.html"))
        except DomainError as error:
            form.add_error("file" if upload else "html", str(error.message))
        else:
            values = {key: structure.to_value(key, parsed.cells.get(key)) for key in structure.ALL_KEYS}
            findings = [f.as_dict() for f in checks.check_values(values) if f.rule != "R5"]
            context.update({
                "parsed": parsed, "kind": kind, "filename": getattr(upload, "name", ""),
                "tables": layout.tables(values), "heads": layout.HEAD_ROWS, "widths": layout.column_percentages(),
                "failed": [_public_finding(f, values) for f in findings if f["status"] == checks.FAILED],
                "warnings": [checks.explain(f) for f in findings if f["status"] == checks.WARNING],
                "passed_count": len([f for f in findings if f["status"] == checks.PASSED]),
                "blank_count": len([f for f in findings if f["status"] == checks.BLANK]),
                "others": [checks.explain(f) for f in findings if f["status"] in (checks.PASSED, checks.BLANK)],
            })
    return render(request, "reports/public_check.html", context, status=400 if form.errors else 200)


def _public_finding(finding: dict, values: dict) -> dict:
    cells = [
        {"label": structure.cell_label(key), "value": structure.format_value(key, values.get(key))}
        for key in finding["left"] + finding["right"]
        if key in finding["left"] or values.get(key) not in (0,)
    ]
    # ``text`` keeps the rule's code for whoever reads the result as data; the page shows ``words``.
    return {"text": checks.describe(finding), "words": checks.explain(finding), "cells": cells}
