"""Public face: the annual-report section of each organ's disclosure column.
Only published reports are shown; the downloads are the files rendered at publication."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core import ratelimit
from gongkai.core.errors import DomainError
from gongkai.core.files import serve
from gongkai.organs.models import Organ
from gongkai.reports import checks, exports, forms, importing, layout, public_stats, structure
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


# --- public statistics: an organ's and the city's (公开统计) ------------------------------------------------------

YEARS_SHOWN = 5


def _year(request) -> tuple[int, list[int]]:
    """The year asked for (``?year=``, one of the last ``YEARS_SHOWN``; this year otherwise) and the years offered."""
    from gongkai.portal.views import int_param

    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    year = int_param(request, "year", years[-1], this_year)
    return (year if year in years else this_year), years


def _statistics_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "REPORTS_DASHBOARD_CACHE_SECONDS", 300)) or 1


def statistics(request, organ_slug: str):
    """An organ's statistics, inside its disclosure column: applications received, closed and answered on time,
    outcomes, items published, by month of the year."""
    from gongkai.portal import cache as page_cache
    from gongkai.portal.views import base_context, organ_or_404, site_meta, slug_names

    def render_page():
        organ = organ_or_404(organ_slug)
        year, years = _year(request)
        context = base_context(request, organ, "statistics")
        context.update(
            figures=public_stats.cached_statistics([organ], year), years=years, year=year, city=False,
            meta=site_meta(request, organ, _("Statistics")),
        )
        return render(request, "reports/public_statistics.html", context)

    return page_cache.cached_page(request, slug_names(organ_slug), render_page, timeout=_statistics_seconds())


def city_statistics(request):
    """The statistics of every organ of the platform together, with a row per organ linking to its own page."""
    from gongkai.portal import cache as page_cache
    from gongkai.portal import selectors
    from gongkai.portal.views import site_meta

    def render_page():
        year, years = _year(request)
        organs = list(selectors.public_organs().order_by("path"))
        context = {
            "figures": public_stats.cached_statistics(organs, year, per_organ=True), "years": years, "year": year,
            "city": True, "section": "statistics", "meta": site_meta(request, None, _("Statistics")),
        }
        return render(request, "reports/public_statistics.html", context)

    return page_cache.cached_page(request, [], render_page, timeout=_statistics_seconds())
