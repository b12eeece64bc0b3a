"""Workspace pages: my in-app notifications, and the delivery log (failed and
retrying messages) for the disclosure office and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.errors import DomainError
from gongkai.notify import services
from gongkai.notify.models import Notification, Status
from gongkai.organs.models import Role
from gongkai.organs.permissions import has_role, is_staff_member, organs_with_role


def _require_staff(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied(_("Only staff of an organ can see notifications here."))


def _delivery_rows(user):
    """Notifications whose delivery this user may watch: all for an
    administrator, those of their organs for the disclosure office."""
    if user.is_superuser:
        return Notification.objects.all()
    organs = organs_with_role(user, Role.DISCLOSURE_OFFICE)
    if not organs.exists():
        raise PermissionDenied(_("Only the disclosure office or an administrator can see the delivery log."))
    return Notification.objects.filter(organ__in=organs)


@login_required
def inbox(request):
    _require_staff(request.user)
    rows = Notification.objects.inbox(request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "unread": Notification.objects.unread(request.user).count(), "can_watch": _can_watch(request.user)},
    )


def _can_watch(user) -> bool:
    return user.is_superuser or organs_with_role(user, Role.DISCLOSURE_OFFICE).exists()


@login_required
@require_POST
def mark_read(request, pk):
    _require_staff(request.user)
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(notification, by=request.user)
    return redirect(notification.link or "notify:inbox") if request.POST.get("follow") else redirect("notify:inbox")


@login_required
def delivery(request):
    rows = _delivery_rows(request.user)
    status = request.GET.get("status", "problems")
    if status == "problems":
        rows = rows.filter(Q(status=Status.RETRYING) | Q(status=Status.FAILED))
    elif status == "all":
        pass
    elif status in Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.exclude(channel="inapp").select_related("organ"), 50).get_page(request.GET.get("page"))
    return render(request, "notify/delivery.html", {"page": page, "status": status, "statuses": Status.choices})


@login_required
@require_POST
def retry(request, pk):
    notification = get_object_or_404(_delivery_rows(request.user), pk=pk)
    if not request.user.is_superuser and not has_role(request.user, notification.organ, Role.DISCLOSURE_OFFICE):
        raise PermissionDenied
    try:
        services.requeue(notification, by=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The notification was queued again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("notify:delivery")
