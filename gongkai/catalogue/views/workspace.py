"""The catalogue's screens in the staff workspace: the list of items, drafting, the item page and its
workflow moves (asked of ``catalogue.workflow``), registers. Views parse input with forms and call one
catalogue service; domain errors become a message, a form error or a 403 (``gongkai.core.faces``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.catalogue import diff, services
from gongkai.catalogue.deadlines import publication_deadline
from gongkai.catalogue.forms import ItemForm, NoteForm, ReasonForm, ResolveFindingForm, ReviewForm, ValidityForm
from gongkai.catalogue.models import ENDED_STATES, Category, Disclosure, Item, ItemState, ItemVersion, RevisionState
from gongkai.catalogue.workflow import (
    DRAFTING_ROLES,
    MOVES,
)
from gongkai.core.audit import log_action, trail_for
from gongkai.core.errors import DomainError, NotAllowed
from gongkai.core.faces import form_error, refuse, safe_next
from gongkai.core.files import serve
from gongkai.core.params import parse_int
from gongkai.organs.models import Role
from gongkai.organs.permissions import (
    has_role,
    organs_with_role,
    readable_organs,
    require_read,
    require_role,
    role_is_held,
    supervised_organs,
)
from gongkai.sensitive.models import Finding, FindingStatus
from gongkai.signoff.models import SignoffStatus
from gongkai.signoff.services import history

PAGE_SIZE = 30


def _id_param(value: str | None) -> int | None:
    """A positive id from a query parameter; None for anything else, so a bad link never gives an error."""
    return parse_int(value)


def _staff_required(request) -> None:
    if not (request.user.is_superuser or readable_organs(request.user).exists()):
        raise PermissionDenied(_("The workspace is for staff holding a role in an organ."))


def _item(request, pk: int) -> Item:
    item = get_object_or_404(Item.objects.select_related("organ", "category", "topic", "created_by"), pk=pk)
    require_read(request.user, item.organ)
    return item


@login_required
def item_list(request):
    _staff_required(request)
    organs = readable_organs(request.user)
    items = Item.objects.filter(organ__in=organs).select_related("organ", "category", "topic")
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        items = items.filter(Q(title__icontains=q) | Q(document_number__icontains=q) | Q(index_number__icontains=q))
    state = request.GET.get("state") or ""
    if state in ItemState.values:
        items = items.filter(state=state)
    elif state in RevisionState.values and state:
        items = items.filter(state=ItemState.PUBLISHED, revision_state=state)
    organ_id = request.GET.get("organ") or ""
    if _id_param(organ_id):
        items = items.filter(organ_id=_id_param(organ_id))
    category_id = request.GET.get("category") or ""
    if _id_param(category_id):
        items = items.filter(category_id=_id_param(category_id))
    flag = request.GET.get("flag") or ""
    if flag == "overdue":
        items = items.over_publication_limit()
    elif flag == "near":
        items = items.near_publication_limit()
    page = Paginator(items.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = set(Item.objects.filter(pk__in=[i.pk for i in page.object_list]).over_publication_limit().values_list("pk", flat=True))
    for item in page.object_list:
        item.over_limit = item.pk in overdue
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspace/item_list.html", {
        "page": page, "q": q, "state": state, "organ_id": organ_id, "category_id": category_id, "flag": flag,
        "organs": organs.order_by("path"), "categories": Category.objects.all(), "states": ItemState.choices,
        "query": query.urlencode(),
    })


@login_required
def item_new(request):
    organs = organs_with_role(request.user, *DRAFTING_ROLES).order_by("path")
    if not organs.exists():
        raise PermissionDenied(_("Only clerks, the disclosure office and web administrators draft items."))
    interprets = request.GET.get("interprets") or ""
    if interprets:
        # Started from a policy (“write an interpretation”): only organs whose interpretations may explain it.
        policy = Item.objects.select_related("organ", "category").filter(pk=_id_param(interprets)).first() if _id_param(interprets) else None
        allowed = services.organs_to_interpret(request.user, policy) if policy is not None else []
        if not allowed:
            raise PermissionDenied(_("You cannot write an interpretation of this document."))
        organs = organs.filter(pk__in=[o.pk for o in allowed])
    organ_id = request.GET.get("organ") or request.POST.get("organ") or ""
    organ = organs.filter(pk=_id_param(organ_id)).first() if _id_param(organ_id) else None
    if organ_id and organ is None:
        raise PermissionDenied(_("You cannot draft items for this organ."))
    if organ is None and len(organs) == 1:
        organ = organs[0]
    if organ is None:
        return render(request, "workspace/choose_organ.html", {"organs": organs, "interprets": interprets})
    initial = {}
    if _id_param(interprets):
        # Started from “policies without interpretation”: prefill an interpretation of that policy.
        initial["interprets"] = [int(interprets)]
        initial["category"] = Category.objects.filter(is_interpretation=True, is_active=True).values_list("pk", flat=True).first()
    form = ItemForm(request.POST or None, request.FILES or None, organ=organ, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_draft(
                organ=organ, by=request.user, data=form.content(), files=form.cleaned_data["attachments"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The draft is saved. Check it, then submit it for review."))
            return redirect("workspace:item", pk=item.pk)
    return render(request, "workspace/item_form.html", {"form": form, "organ": organ, "item": None})


@login_required
def item_edit(request, pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["edit"].roles)
    if not services.is_editable(item):
        messages.error(request, _("This item cannot be edited in its present state."))
        return redirect("workspace:item", pk=item.pk)
    initial = services.working_data(item)
    form = ItemForm(request.POST or None, request.FILES or None, organ=item.organ, item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                item, by=request.user, data=form.content(), files=form.cleaned_data["attachments"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("workspace:item", pk=item.pk)
    return render(request, "workspace/item_form.html", {
        "form": form, "organ": item.organ, "item": item, "attachments": services.attachments_of(item),
        "signoff_rounds": history(item),
    })


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["edit"].roles)
    attachment = get_object_or_404(item.attachments, pk=attachment_pk)
    try:
        services.remove_attachment(item, by=request.user, attachment=attachment)
        messages.success(request, _("The attachment is removed from the item (earlier versions keep it)."))
    except DomainError as error:
        refuse(request, error)
    return redirect("workspace:item_edit", pk=item.pk)


def _unheld_message(organ, role) -> str:
    return _(
        "Nobody in %(organ)s holds the role %(role)s, so this step cannot be decided. Ask the system administrator "
        "to grant the role (admin › organs › role memberships)."
    ) % {"organ": organ.name, "role": Role(role).label}


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """An attachment of any version of the item, to staff who may read the organ's catalogue.
    Downloads of files not (or no longer) public are recorded in the audit trail."""
    item = _item(request, pk)
    attachment = get_object_or_404(item.attachments.select_related("item"), pk=attachment_pk)
    if not attachment.is_clean:  # quarantined: waiting for its check, or refused by the virus scan
        raise Http404
    response = serve(request, attachment.file, filename=attachment.name, private=True, inline=True)
    if not attachment.is_public:
        log_action(item, "catalogue.file_downloaded", by=request.user, data={"attachment": attachment.pk, "name": attachment.name})
    return response


@login_required
def item_detail(request, pk: int):
    item = _item(request, pk)
    user = request.user
    actions = services.allowed_actions(item, user)
    versions = list(item.versions.order_by("-number").select_related("created_by"))
    rounds = list(history(item))
    signoff = next((s for s in rounds if s.status == SignoffStatus.PENDING), None)
    latest = services.latest_submitted(item)
    findings = list(services.findings_of(item).exclude(status=FindingStatus.SUPERSEDED).select_related("resolved_by"))
    returned_rounds = [r for r in rounds if r.status == SignoffStatus.RETURNED]
    working = services.working_data(item)
    deadline = None
    if item.disclosure == Disclosure.ACTIVE and item.state not in (ItemState.PUBLISHED, *ENDED_STATES):
        deadline = publication_deadline(item.date_formed)
    elif item.is_public and item.revision_state and item.changed_on:
        deadline = publication_deadline(item.changed_on)  # Art. 26: "formed or changed"
    can_interpret = item.category.is_policy and item.is_public and bool(services.organs_to_interpret(user, item))
    return render(request, "workspace/item_detail.html", {
        "item": item,
        "actions": actions,
        "can_resolve": "resolve" in actions,
        "can_mask": "mask" in actions,
        "to_return": list(services.findings_to_return(item)) if "return_for_redaction" in actions else [],
        "versions": versions,
        "rounds": rounds,
        "signoff": signoff,
        "latest": latest,
        "findings": findings,
        "open_findings": [f for f in findings if f.status == FindingStatus.OPEN],
        "last_return": returned_rounds[-1] if returned_rounds and item.workflow_state == ItemState.RETURNED else None,
        "working_rows": diff.rows(working),
        "working_body": working.get("body", ""),
        "attachments": services.attachments_of(item, working),
        "interprets": Item.objects.filter(pk__in=working.get("interprets", [])),
        "interpretations": item.interpretations.exclude(state__in=ENDED_STATES).filter(organ__in=readable_organs(user)),
        "deadline": deadline,
        "overdue": deadline is not None and deadline.due < timezone.localdate(),
        "step_unheld": signoff is not None and not role_is_held(item.organ, signoff.current_role),
        "can_interpret": can_interpret,
        "today": timezone.localdate(),
        "resolve_form": ResolveFindingForm(),
        "note_form": NoteForm(),
        "is_revision": item.state == ItemState.PUBLISHED and bool(item.revision_state),
    })


@login_required
def item_version(request, pk: int, number: int):
    item = _item(request, pk)
    version = get_object_or_404(item.versions.select_related("created_by"), number=number)
    previous = item.versions.filter(number__lt=number, submitted_at__isnull=False).order_by("-number").first()
    rounds = [r for r in history(item) if r.version == number]
    return render(request, "workspace/item_version.html", {
        "item": item, "version": version, "previous": previous, "rows": diff.rows(version.data),
        "body": version.data.get("body", ""), "changes": diff.compare(previous.data if previous else None, version.data),
        "rounds": rounds, "attachments": services.attachments_of(item, version.data),
        "findings": services.findings_of(item, number),
    })


@login_required
@require_POST
def item_submit(request, pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["submit"].roles)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = services.submit(item, by=request.user, note=note)
    except DomainError as error:
        refuse(request, error)
    else:
        found = services.findings_of(item, version.number).count()
        messages.success(request, _("Version %(number)s is submitted for review.") % {"number": version.number})
        signoff = services.pending_signoff(item)
        if signoff is not None and not role_is_held(item.organ, signoff.current_role):
            messages.warning(request, _unheld_message(item.organ, signoff.current_role))
        if found:
            messages.warning(request, _("The sensitive-content check found %(count)s passage(s); the confidentiality reviewer will look at them.") % {"count": found})
    return redirect("workspace:item", pk=item.pk)


@login_required
@require_POST
def item_recall(request, pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["recall"].roles)
    try:
        services.recall(item, by=request.user)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The submission is recalled; edit the item and submit it again."))
    return redirect("workspace:item", pk=item.pk)


@login_required
def item_review(request, pk: int):
    item = _item(request, pk)
    signoff = services.pending_signoff(item)
    if signoff is None:
        messages.info(request, _("This item is not waiting for sign-off."))
        return redirect("workspace:item", pk=item.pk)
    if not has_role(request.user, item.organ, signoff.current_role):
        raise PermissionDenied(_("This step needs the role %(role)s.") % {"role": Role(signoff.current_role).label})
    version = get_object_or_404(ItemVersion, item=item, number=signoff.version)
    previous = item.versions.filter(number__lt=version.number, submitted_at__isnull=False).order_by("-number").first()
    form = ReviewForm(request.POST or None, initial={"content_hash": signoff.content_hash})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.review(
                item, by=request.user, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"],
                content_hash=form.cleaned_data["content_hash"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            if result.status == SignoffStatus.RETURNED:
                messages.success(request, _("Returned to the author with your comment."))
            elif result.status == SignoffStatus.APPROVED:
                messages.success(request, _("Approved. The sign-off chain is complete."))
            else:
                messages.success(request, _("Approved. It now waits for: %(role)s.") % {"role": Role(result.current_role).label})
            return redirect("workspace:home")
    findings = services.findings_of(item, version.number)
    return render(request, "workspace/item_review.html", {
        "item": item, "signoff": signoff, "version": version, "previous": previous, "form": form,
        "rows": diff.rows(version.data), "body": version.data.get("body", ""),
        "changes": diff.compare(previous.data if previous else None, version.data) if previous else [],
        "attachments": services.attachments_of(item, version.data), "findings": findings,
        "open_findings": [f for f in findings if f.status == FindingStatus.OPEN],
        "rounds": history(item), "resolve_form": ResolveFindingForm(),
        "can_resolve": has_role(request.user, item.organ, *MOVES["resolve"].roles),
        "can_mask": has_role(request.user, item.organ, *MOVES["mask"].roles),
        "to_return": list(services.findings_to_return(item)) if has_role(request.user, item.organ, *MOVES["return_for_redaction"].roles) else [],
    })


@login_required
@require_POST
def finding_resolve(request, pk: int):
    finding = get_object_or_404(Finding, pk=pk, subject_type=services.item_content_type())
    item = _item(request, int(finding.subject_id))
    require_role(request.user, item.organ, *MOVES["resolve"].roles)
    form = ResolveFindingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
    else:
        try:
            services.resolve_finding(finding, by=request.user, resolution=form.cleaned_data["resolution"], note=form.cleaned_data["note"])
        except DomainError as error:
            refuse(request, error)
        else:
            if form.cleaned_data["resolution"] == FindingStatus.REDACTION:
                messages.success(request, _("Marked to be changed by the author. When every finding is marked, return the item to the author once."))
            else:
                messages.success(request, _("Marked as a false positive."))
    return redirect(safe_next(request, reverse("workspace:item", args=[item.pk]), prefix="/workspace/"))


@login_required
def finding_mask(request, pk: int):
    """The masked text of a finding, shown for the reviewer to confirm (GET); confirming applies it (POST)."""
    finding = get_object_or_404(Finding, pk=pk, subject_type=services.item_content_type())
    item = _item(request, int(finding.subject_id))
    require_role(request.user, item.organ, *MOVES["mask"].roles)
    back = reverse("workspace:item", args=[item.pk]) + "#findings"
    try:
        preview = services.mask_preview(finding)
    except DomainError as error:
        refuse(request, error)
        return redirect(back)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.mask_finding(finding, by=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            refuse(request, error)
        else:
            messages.success(request, _("Masked. Version %(number)s holds the masked text; the sign-off continues on it.") % {"number": version.number})
        return redirect(back)
    return render(request, "workspace/finding_mask.html", {"item": item, "preview": preview, "form": form})


@login_required
@require_POST
def item_return_for_changes(request, pk: int):
    """One return to the author carrying every finding still to be changed."""
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["return_for_redaction"].roles)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the author must change."))
        return redirect(reverse("workspace:item", args=[item.pk]) + "#findings")
    try:
        services.return_for_changes(item, by=request.user, note=form.cleaned_data["reason"])
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Returned to the author with every finding to be changed."))
    return redirect("workspace:item", pk=item.pk)


@login_required
@require_POST
def item_publish(request, pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["publish"].roles)
    try:
        item = services.publish(item, by=request.user)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Published with index number %(number)s.") % {"number": item.index_number})
    return redirect("workspace:item", pk=item.pk)


@login_required
@require_POST
def item_revise(request, pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["revise"].roles)
    try:
        services.start_revision(item, by=request.user)
    except DomainError as error:
        refuse(request, error)
        return redirect("workspace:item", pk=item.pk)
    messages.success(request, _("A new version is open for editing. The public keeps seeing the published one until the revision is approved and published."))
    return redirect("workspace:item_edit", pk=item.pk)


@login_required
def item_validity(request, pk: int):
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["validity"].roles)
    form = ValidityForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_validity(item, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The validity is changed; the public sees the explanation."))
            return redirect("workspace:item", pk=item.pk)
    return render(request, "workspace/item_action.html", {
        "item": item, "form": form, "heading": _("Repeal or expiry"), "button": _("Change validity"), "danger": False,
    })


@login_required
def item_withdraw(request, pk: int):
    item = _item(request, pk)
    if not any(has_role(request.user, item.organ, *MOVES[verb].roles) for verb in ("withdraw_draft", "withdraw")):
        raise PermissionDenied(_("You cannot withdraw items of this organ."))
    if "withdraw" not in services.allowed_actions(item, request.user):
        raise PermissionDenied(_("You cannot withdraw this item in its present state."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(item, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if isinstance(error, NotAllowed):
                raise PermissionDenied(error.message) from None
            form.add_error(None, error.message)  # above the form, whichever field the service named
        else:
            messages.success(request, _("The item is withdrawn. It is kept with its history."))
            return redirect("workspace:item", pk=item.pk)
    return render(request, "workspace/item_action.html", {
        "item": item, "form": form, "heading": _("Withdraw item"), "button": _("Withdraw"), "danger": True,
        "explain": _("A withdrawn item leaves the public catalogue and every list of work. Nothing is deleted."),
    })


@login_required
@require_POST
def item_discard(request, pk: int):
    """Discard (作废) a draft that was never submitted; kept with its history."""
    item = _item(request, pk)
    require_role(request.user, item.organ, *MOVES["discard"].roles)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.discard(item, by=request.user, reason=reason)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The draft is discarded. It is kept with its history and leaves every list of work."))
    return redirect("workspace:item", pk=item.pk)


def _link_items(events) -> list:
    """Mark the events about catalogue items so the page can link to them."""
    events = list(events)
    item_type = services.item_content_type().pk
    for event in events:
        event.item_id = int(event.target_id) if event.target_type_id == item_type and event.target_id.isdigit() else None
    return events


@login_required
def item_audit(request, pk: int):
    item = _item(request, pk)
    return render(request, "workspace/audit.html", {"item": item, "events": _link_items(trail_for(item)[:500]), "organ": item.organ})


@login_required
def withheld_register(request):
    """依申请公开/不予公开 items with their reasons: the organ's own, and (read-only) the supervised ones."""
    _staff_required(request)
    organs = readable_organs(request.user)
    items = Item.objects.filter(organ__in=organs).withheld().select_related("organ", "withholding_reason", "category")
    organ_id = request.GET.get("organ") or ""
    if _id_param(organ_id):
        items = items.filter(organ_id=_id_param(organ_id))
    disclosure = request.GET.get("disclosure") or ""
    if disclosure in (Disclosure.ON_REQUEST, Disclosure.WITHHELD):
        items = items.filter(disclosure=disclosure)
    else:
        disclosure = ""
    page = Paginator(items.order_by("organ__path", "-date_formed", "-id"), 50).get_page(request.GET.get("page"))
    # Read-only are the organs the person only supervises, not those where they hold a role themselves.
    own = set(organs_with_role(request.user).values_list("pk", flat=True))
    supervised = set(supervised_organs(request.user).values_list("pk", flat=True)) - own
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspace/withheld.html", {
        "page": page, "organs": organs.order_by("path"), "organ_id": organ_id, "supervised": supervised,
        "disclosure": disclosure, "attributes": [(Disclosure.ON_REQUEST, Disclosure.ON_REQUEST.label), (Disclosure.WITHHELD, Disclosure.WITHHELD.label)],
        "query": query.urlencode(),
    })


@login_required
def uninterpreted(request):
    """Published policy documents without a published interpretation (文件多，解读少)."""
    _staff_required(request)
    organs = readable_organs(request.user)
    items = Item.objects.filter(organ__in=organs).lacking_interpretation().select_related("organ", "category")
    organ_id = request.GET.get("organ") or ""
    if _id_param(organ_id):
        items = items.filter(organ_id=_id_param(organ_id))
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    drafting = list(organs_with_role(request.user, *DRAFTING_ROLES).filter(is_active=True))
    for policy in page.object_list:
        policy.can_interpret = any(services.may_interpret(organ, policy) for organ in drafting)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspace/uninterpreted.html", {
        "page": page, "organs": organs.order_by("path"), "organ_id": organ_id, "query": query.urlencode(),
    })
