"""Workspace pages where an organ's disclosure office or web administrator edits the organ's own pages of
its disclosure column: 政府信息公开制度, 机构信息 (profile and internal bodies) and 领导信息. Each save goes
through ``organs.column`` (audited, nothing deleted)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError
from gongkai.core.richtext import RichTextarea
from gongkai.organs import column
from gongkai.organs.models import ColumnText, ColumnTextKind, Department, Leader, Organ
from gongkai.organs.permissions import COLUMN_EDITORS, organs_with_role, require_column_editor

REASON = forms.CharField(label=gettext_lazy("Reason for the change"), max_length=300, required=False)


class RulesForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Text of the page"), widget=RichTextarea(attrs={"rows": 18}), max_length=column.MAX_TEXT)
    reason = REASON


class ProfileForm(forms.ModelForm):
    reason = REASON

    class Meta:
        model = Organ
        fields = list(column.PROFILE_FIELDS)
        widgets = {"functions": forms.Textarea(attrs={"rows": 8})}


class DepartmentForm(forms.Form):
    duties = forms.CharField(label=gettext_lazy("Duties"), widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=5000)
    reason = REASON


class LeaderForm(forms.ModelForm):
    reason = REASON

    class Meta:
        model = Leader
        fields = list(column.LEADER_FIELDS)
        widgets = {"duties": forms.Textarea(attrs={"rows": 5})}


class RemoveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the change"), max_length=300)


def _organ(user, slug) -> Organ:
    organ = get_object_or_404(Organ, slug=slug)
    require_column_editor(user, organ)
    return organ


def _refuse_to_form(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def index(request):
    organs = list(organs_with_role(request.user, *COLUMN_EDITORS))
    if not organs:
        raise PermissionDenied(_("Only the disclosure office or the web administrator of an organ can edit its column pages."))
    organ = next((o for o in organs if o.slug == request.GET.get("organ")), organs[0])
    versions = list(ColumnText.objects.filter(organ=organ, kind=ColumnTextKind.RULES).select_related("created_by")[:20])
    return render(request, "organs/ws_index.html", {
        "organs": organs, "organ": organ, "versions": versions,
        "departments": list(organ.departments.filter(is_active=True)),
        "leaders": list(organ.leaders.all()),
    })


@login_required
def rules(request, organ):
    organ = _organ(request.user, organ)
    current = column.current_text(organ, ColumnTextKind.RULES)
    form = RulesForm(request.POST or None, initial={"body": current.body if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            column.save_text(organ=organ, kind=ColumnTextKind.RULES, body=form.cleaned_data["body"], by=request.user,
                             reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refuse_to_form(form, exc)
        else:
            messages.success(request, _("The page was saved; the earlier text is kept in its history."))
            return redirect(f"{_index_url()}?organ={organ.slug}")
    return _form_page(request, organ, form, _("Disclosure rules"), trail=trail_for(current)[:20] if current else [])


@login_required
def profile(request, organ):
    organ = _organ(request.user, organ)
    form = ProfileForm(request.POST or None, instance=Organ.objects.get(pk=organ.pk))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in column.PROFILE_FIELDS}
        try:
            column.save_profile(organ=organ, values=values, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refuse_to_form(form, exc)
        else:
            messages.success(request, _("The organisation's details were saved."))
            return redirect(f"{_index_url()}?organ={organ.slug}")
    return _form_page(request, organ, form, _("Organisation information"), trail=trail_for(organ).filter(action="organs.profile_saved")[:20])


@login_required
def department(request, organ, pk):
    organ = _organ(request.user, organ)
    body = get_object_or_404(Department, pk=pk, organ=organ, is_active=True)
    form = DepartmentForm(request.POST or None, initial={"duties": body.duties})
    if request.method == "POST" and form.is_valid():
        try:
            column.save_department_duties(department=body, duties=form.cleaned_data["duties"], by=request.user,
                                          reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refuse_to_form(form, exc)
        else:
            messages.success(request, _("The duties were saved."))
            return redirect(f"{_index_url()}?organ={organ.slug}")
    return _form_page(request, organ, form, body.name, trail=trail_for(body)[:20])


@login_required
def leader_new(request, organ):
    organ = _organ(request.user, organ)
    form = LeaderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            column.add_leader(organ=organ, values=form.cleaned_data, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refuse_to_form(form, exc)
        else:
            messages.success(request, _("The leader was added."))
            return redirect(f"{_index_url()}?organ={organ.slug}")
    return _form_page(request, organ, form, _("Add a leader"))


@login_required
def leader(request, organ, pk):
    organ = _organ(request.user, organ)
    found = get_object_or_404(Leader, pk=pk, organ=organ)
    form = LeaderForm(request.POST or None, instance=Leader.objects.get(pk=found.pk))
    if request.method == "POST" and form.is_valid():
        try:
            column.change_leader(leader=found, values=form.cleaned_data, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _refuse_to_form(form, exc)
        else:
            messages.success(request, _("The leader's details were saved."))
            return redirect(f"{_index_url()}?organ={organ.slug}")
    return _form_page(request, organ, form, str(found), trail=trail_for(found)[:20], leader=found,
                      remove_form=RemoveForm() if found.is_active else None)


@login_required
@require_POST
def leader_remove(request, organ, pk):
    organ = _organ(request.user, organ)
    found = get_object_or_404(Leader, pk=pk, organ=organ)
    form = RemoveForm(request.POST)
    if form.is_valid():
        try:
            column.remove_leader(leader=found, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The leader is no longer shown; their details are kept."))
    else:
        messages.error(request, _("Say why the leader is taken off the page."))
    return redirect(f"{_index_url()}?organ={organ.slug}")


def _index_url() -> str:
    from django.urls import reverse

    return reverse("column_ws:index")


def _form_page(request, organ, form, title, *, trail=(), **extra):
    return render(request, "organs/ws_form.html", {"organ": organ, "form": form, "title": title, "trail": list(trail), **extra})
