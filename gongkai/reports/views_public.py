"""Public face: the annual-report section of each organ's disclosure column.
Only published reports are shown; the downloads are the files rendered at publication."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from gongkai.organs.models import Organ
from gongkai.reports import exports
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
    return FileResponse(stored.open("rb"), as_attachment=True, filename=f"{report.organ.slug}-{report.year}年度报告.{fmt}")
