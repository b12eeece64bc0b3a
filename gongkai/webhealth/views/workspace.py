"""The staff face of website health: the overview of every organ the person reads with its veto risks (the city
office's dashboard), an organ's dashboard (columns, messages, availability), its link-check results (new and fixed
since the last run, history, export) and a run's progress. Whoever may read an organ's records reads its pages; the
web administrator of the organ starts runs, adds sites, marks false positives and sets column thresholds — the
services check the role."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.catalogue.models import Category
from gongkai.core.errors import DomainError
from gongkai.core.faces import domain_errors
from gongkai.organs.models import Organ
from gongkai.organs.permissions import is_staff_member, readable_organ_list, require_read
from gongkai.webhealth import export, freshness, services
from gongkai.webhealth.models import BrokenLink, Run, Site

HISTORY = 20


def _home(request) -> str:
    return reverse("webhealth_ws:home")


errors = domain_errors(_home, prefix="/workspace/")


class SiteForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    start_url = forms.URLField(label=gettext_lazy("Start address"), max_length=500, assume_scheme="https")


class FalsePositiveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)
    remove = forms.BooleanField(required=False)


class ThresholdForm(forms.Form):
    category = forms.IntegerField(required=False)
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=3660)


def _organ(request, organ_id: int) -> Organ:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("Website health is for staff of an organ."))
    organ = get_object_or_404(Organ, pk=organ_id)
    require_read(request.user, organ)
    return organ


def _site(request, site_id: int) -> Site:
    site = get_object_or_404(Site.objects.select_related("organ"), pk=site_id)
    _organ(request, site.organ_id)
    return site


def _clean(form: forms.Form) -> dict:
    if not form.is_valid():
        field, problems = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        raise DomainError(f"{label}：{problems[0]}" if label else problems[0], field=field)
    return form.cleaned_data


@login_required
def home(request):
    """Every organ the person reads, with its veto risks soonest first."""
    if not is_staff_member(request.user):
        raise PermissionDenied(_("Website health is for staff of an organ."))
    organs = readable_organ_list(request.user)
    risks = freshness.risks(organs)
    broken = {}
    for site_organ in BrokenLink.objects.current().filter(site__organ__in=organs).values_list("site__organ_id", flat=True):
        broken[site_organ] = broken.get(site_organ, 0) + 1
    rows = [{"organ": organ, "risks": [r for r in risks if r.organ.pk == organ.pk], "broken": broken.get(organ.pk, 0)}
            for organ in organs]
    return render(request, "webhealth/workspace/home.html", {"rows": rows, "risks": risks})


@login_required
def organ(request, organ_id: int):
    """An organ's dashboard: the veto risks, every column with its last update and breach day, availability."""
    organ = _organ(request, organ_id)
    today = timezone.localdate()
    return render(request, "webhealth/workspace/organ.html", {
        "organ": organ, "risks": freshness.risks([organ], today), "columns": freshness.column_freshness(organ, today),
        "availability": freshness.availability([organ])[organ.pk], "measures": freshness.measures(organ, today),
        "may_manage": services.may_manage(request.user, organ), "veto_share": freshness.AVAILABILITY_VETO * 100,
    })


@login_required
def links(request, organ_id: int):
    """The organ's sites: the last run's broken links, new and fixed since the run before, history, export."""
    organ = _organ(request, organ_id)
    sections = []
    for site in services.sites_of(organ):
        runs = list(site.runs.select_related("started_by")[:HISTORY])
        latest = next((run for run in runs if run.state == "finished"), None)
        current = list(BrokenLink.objects.filter(site=site).current().select_related("broken_since_run").order_by("url")[:500])
        sections.append({
            "site": site, "runs": runs, "latest": latest, "active": next((r for r in runs if r.is_active), None),
            "current": current,
            "new": [link for link in current if latest and link.broken_since_run_id == latest.pk],
            "fixed": list(BrokenLink.objects.filter(site=site, fixed_in_run=latest)[:500]) if latest else [],
            "false_positives": list(BrokenLink.objects.filter(site=site).false_positives().select_related("marked_by")),
        })
    return render(request, "webhealth/workspace/links.html", {
        "organ": organ, "sections": sections, "may_manage": services.may_manage(request.user, organ),
        "site_form": SiteForm(),
    })


@login_required
def run(request, pk: int):
    """A run's progress while it goes (the page reloads itself), its figures when it has ended."""
    run = get_object_or_404(Run.objects.select_related("site", "site__organ", "started_by"), pk=pk)
    _organ(request, run.site.organ_id)
    return render(request, "webhealth/workspace/run.html", {"run": run, "organ": run.site.organ})


@login_required
def export_site(request, site_id: int):
    site = _site(request, site_id)
    response = HttpResponse(export.workbook(site),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="broken-links-{site.organ.slug}-{site.pk}-{stamp}.xlsx"'
    return response


@login_required
@require_POST
@errors
def site_add(request, organ_id: int):
    organ = _organ(request, organ_id)
    services.require_manager(request.user, organ)
    data = _clean(SiteForm(request.POST))
    services.add_site(organ, by=request.user, name=data["name"], url=data["start_url"])
    messages.success(request, _("The site was added; start a check when you need one."))
    return redirect("webhealth_ws:links", organ_id=organ.pk)


@login_required
@require_POST
@errors
def run_start(request, site_id: int):
    site = _site(request, site_id)
    run = services.request_run(site, by=request.user)
    messages.success(request, _("The check of %(site)s has started.") % {"site": site.name})
    return redirect("webhealth_ws:run", pk=run.pk)


@login_required
@require_POST
@errors
def false_positive(request, link_id: int):
    link = get_object_or_404(BrokenLink.objects.select_related("site", "site__organ"), pk=link_id)
    _organ(request, link.site.organ_id)
    services.require_manager(request.user, link.site.organ)
    data = _clean(FalsePositiveForm(request.POST))
    if data["remove"]:
        services.unmark_false_positive(link, by=request.user, reason=data["reason"])
        messages.success(request, _("The link counts as broken again."))
    else:
        services.mark_false_positive(link, by=request.user, reason=data["reason"])
        messages.success(request, _("The link is marked as not broken; later checks remember it."))
    return redirect("webhealth_ws:links", organ_id=link.site.organ_id)


@login_required
@require_POST
@errors
def threshold(request, organ_id: int):
    organ = _organ(request, organ_id)
    services.require_manager(request.user, organ)
    data = _clean(ThresholdForm(request.POST))
    category = None
    if data["category"] is not None:
        category = Category.objects.filter(pk=data["category"], is_active=True).first()
        if category is None:
            raise DomainError(_("Column: choose one of the columns listed."), field="category")
    services.set_threshold(organ, by=request.user, category=category, days=data["days"])
    messages.success(request, _("The threshold was saved."))
    return redirect("webhealth_ws:organ", organ_id=organ.pk)
