"""The staff workspace's shell: my tasks (work waiting across subjects) and the organ's audit trail. Each
subject's own screens live in its app (``catalogue.views.workspace``), mounted in ``workspace.urls``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import services
from gongkai.catalogue.models import Item
from gongkai.catalogue.views.workspace import _id_param, _link_items, _staff_required
from gongkai.catalogue.workflow import (
    DRAFT,
    DRAFTING_ROLES,
    MOVES,
    RETURNED,
    REVISION_DRAFT,
    REVISION_RETURNED,
    state_q,
    waiting_for_publication,
)
from gongkai.core.models import AuditEvent
from gongkai.organs.models import Role
from gongkai.organs.permissions import (
    organs_with_role,
    readable_organs,
)
from gongkai.sensitive.models import Finding, FindingStatus
from gongkai.signoff.models import Signoff, SubjectKind
from gongkai.workdays import calendar


@login_required
def home(request):
    _staff_required(request)
    user = request.user
    signoffs = list(Signoff.objects.waiting_for(user).filter(kind="item").select_related("organ")[:50])
    other_signoffs = Signoff.objects.waiting_for(user).exclude(kind="item").select_related("organ")[:50]
    reviewer_organs = organs_with_role(user, *MOVES["resolve"].roles)
    items = Item.objects.select_related("organ", "category")
    pending_findings = Finding.objects.filter(
        status=FindingStatus.OPEN,
        subject_type=services.item_content_type(),
        subject_id__in=[
            str(pk) for pk in items.filter(organ__in=reviewer_organs).filter(
                state_q(*MOVES["review"].sources)
            ).values_list("pk", flat=True)[:500]
        ],
    )
    finding_items = items.filter(pk__in={int(f) for f in pending_findings.values_list("subject_id", flat=True)})
    context = {
        "signoffs": signoffs,
        "other_signoffs": _linked_signoffs(other_signoffs),
        "applications_due": _applications_due(user),
        "today": timezone.localdate(),
        "finding_items": finding_items,
        "to_publish": waiting_for_publication(user, items)[:50],
        "returned": MOVES.waiting_for(user, items.filter(state_q(RETURNED, REVISION_RETURNED)), "edit").filter(
            Q(created_by=user) | Q(organ__in=organs_with_role(user, Role.CLERK))
        )[:50],
        "drafts": items.filter(created_by=user).filter(state_q(DRAFT, REVISION_DRAFT))[:50],
        "overdue": items.filter(organ__in=readable_organs(user)).over_publication_limit()[:50],
        "near": items.filter(organ__in=readable_organs(user)).near_publication_limit()[:50],
        "can_draft": organs_with_role(user, *DRAFTING_ROLES).exists(),
        "missing_calendar_years": calendar.missing_years() if user.is_superuser else [],
    }
    context["nothing_to_do"] = not any(
        context[k] for k in ("signoffs", "other_signoffs", "applications_due", "finding_items", "to_publish", "returned",
                             "drafts", "overdue", "near")
    )
    return render(request, "workspace/home.html", context)


# Applications shown on my tasks: those overdue or due within this many working days.
DUE_SOON_WORKING_DAYS = 5


def _applications_due(user) -> list:
    """The running applications waiting for ``user`` that are overdue or due soon, soonest first."""
    from gongkai.applications.models import Application

    today = timezone.localdate()
    limit = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS).due
    return list(
        Application.objects.waiting_for(user).filter(due_on__lte=limit).select_related("organ").order_by("due_on", "pk")[:50]
    )


def _linked_signoffs(signoffs) -> list[tuple]:
    """Sign-offs of replies and annual reports waiting for the user, each with the page where it is decided."""
    from gongkai.applications.models import Reply

    signoffs = list(signoffs)
    replies = dict(Reply.objects.filter(pk__in=[int(s.subject_id) for s in signoffs if s.kind == SubjectKind.REPLY])
                   .values_list("pk", "application_id"))
    linked = []
    for signoff in signoffs:
        if signoff.kind == SubjectKind.REPLY and int(signoff.subject_id) in replies:
            url = reverse("applications_ws:detail", args=[replies[int(signoff.subject_id)]])
        elif signoff.kind == SubjectKind.REPORT:
            url = reverse("reports_ws:report", args=[int(signoff.subject_id)])
        elif signoff.kind == SubjectKind.MESSAGE:
            url = reverse("interaction_ws:detail", args=[int(signoff.subject_id)])
        else:
            continue
        linked.append((signoff, url))
    return linked


@login_required
def audit(request):
    _staff_required(request)
    organs = readable_organs(request.user).order_by("path")
    organ_id = request.GET.get("organ") or ""
    organ = organs.filter(pk=_id_param(organ_id)).first() if _id_param(organ_id) else None
    if organ_id and organ is None:
        raise PermissionDenied(_("You have no access to this organ."))
    organ = organ or organs.first()
    events = AuditEvent.objects.filter(organ=organ).select_related("actor") if organ else AuditEvent.objects.none()
    action = (request.GET.get("action") or "")[:80]
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspace/audit.html", {
        "page": page, "events": _link_items(page.object_list), "organ": organ, "organs": organs, "action": action,
        "query": query.urlencode(),
    })
