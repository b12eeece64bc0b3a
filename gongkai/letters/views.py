"""Workspace pages where an organ's disclosure office (公开办) edits its
notice letters, with a preview filled with invented values."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from gongkai.core.errors import DomainError
from gongkai.letters import services
from gongkai.letters.defaults import DEFAULTS, label
from gongkai.letters.rendering import (
    PLACEHOLDERS,
    LetterSource,
    check_template,
    fill,
    letter_html,
    render_docx,
    render_pdf,
    sample_context,
    template_for,
)
from gongkai.organs.models import Organ, Role
from gongkai.organs.permissions import organs_with_role, require_role


def kind_label(kind: str) -> str:
    return label(kind)


def all_kinds() -> list[tuple[str, str]]:
    return [(kind, label(kind)) for kind in DEFAULTS]


class TemplateForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("letter", "Title"), max_length=100)
    body = forms.CharField(label=pgettext_lazy("letter", "Text"), widget=forms.Textarea(attrs={"rows": 18}), max_length=20000)
    reason = forms.CharField(label=pgettext_lazy("letter", "Reason for the change"), max_length=300, required=False)


def _organ_for(user, slug) -> Organ:
    organ = get_object_or_404(Organ, slug=slug)
    require_role(user, organ, Role.DISCLOSURE_OFFICE)
    return organ


def _kind(kind: str) -> str:
    if kind not in DEFAULTS:
        raise Http404
    return kind


@login_required
def index(request):
    organs = list(organs_with_role(request.user, Role.DISCLOSURE_OFFICE))
    if not organs:
        raise PermissionDenied(_("Only the disclosure office of an organ can edit its letters."))
    selected = next((o for o in organs if o.slug == request.GET.get("organ")), organs[0])
    rows = [(kind, label, template_for(kind, selected).origin) for kind, label in all_kinds()]
    return render(request, "letters/index.html", {"organs": organs, "organ": selected, "rows": rows})


@login_required
def edit(request, organ, kind):
    organ, kind = _organ_for(request.user, organ), _kind(kind)
    current = template_for(kind, organ)
    preview = None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "save" in request.POST:
                    services.save_template(
                        organ=organ, kind=kind, title=data["title"], body=data["body"], by=request.user, reason=data["reason"]
                    )
                    messages.success(request, _("The letter wording was saved."))
                    return redirect("letters:edit", organ=organ.slug, kind=kind)
                check_template(data["title"], data["body"])
                source = LetterSource(kind, data["title"], data["body"].replace("\r\n", "\n"), "draft")
                preview = letter_html(fill(source, organ=organ, context=sample_context()), standalone=False)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        form = TemplateForm(initial={"title": current.title, "body": current.body})
        preview = letter_html(fill(current, organ=organ, context=sample_context()), standalone=False)
    return render(
        request,
        "letters/edit.html",
        {
            "organ": organ,
            "kind": kind,
            "label": kind_label(kind),
            "article": DEFAULTS[kind].article,
            "origin": current.origin,
            "form": form,
            "preview": preview,
            "placeholders": [(name, str(label)) for name, label in PLACEHOLDERS.items()],
        },
    )


def _sample_letter(request, organ, kind):
    organ, kind = _organ_for(request.user, organ), _kind(kind)
    return organ, kind, fill(template_for(kind, organ), organ=organ, context=sample_context())


@login_required
def preview_pdf(request, organ, kind):
    organ, kind, letter = _sample_letter(request, organ, kind)
    response = HttpResponse(render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-preview.pdf"'
    return response


@login_required
def preview_docx(request, organ, kind):
    organ, kind, letter = _sample_letter(request, organ, kind)
    response = HttpResponse(
        render_docx(letter), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-preview.docx"'
    return response


@login_required
@require_POST
def reset(request, organ, kind):
    organ, kind = _organ_for(request.user, organ), _kind(kind)
    try:
        services.reset_template(organ=organ, kind=kind, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The letter uses the default wording again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("letters:edit", organ=organ.slug, kind=kind)
