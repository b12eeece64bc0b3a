"""Who may do what where. Every face (workspace, admin, API) asks these
functions; none decides on its own. Roles are per organ (Membership).

- A role in an organ gives that role's powers in that organ only.
- The disclosure office (公开办) of a government supervises every organ below
  it: it may *read* their records (read-only unless it also holds a role there).
- A superuser is the system administrator: read everything, manage set-up;
  it is not a shortcut through sign-off chains (谁审核谁负责 needs a real role).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongkai.organs.models import Membership, Organ, OrganKind, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User


def _memberships(user: Any) -> Iterable[Membership]:  # any user object: the memberships are cached on it
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    cache = getattr(user, "_gongkai_memberships", None)
    if cache is None:
        cache = list(Membership.objects.active().filter(user=user).select_related("organ"))
        user._gongkai_memberships = cache
    return cache


def memberships(user: User | AnonymousUser) -> list[Membership]:
    """The user's active memberships (organ loaded), read once per request."""
    return list(_memberships(user))


def organ_requires_second_factor(user: User | AnonymousUser) -> bool:
    """Whether the user works for an organ whose staff must confirm each sign-in with a second factor."""
    # The memberships are read once per request and shared with every permission check of the request.
    return any(m.organ.require_second_factor for m in _memberships(user))


def roles_in(user: User | AnonymousUser, organ: Organ) -> set[str]:
    return {m.role for m in _memberships(user) if m.organ_id == organ.pk}


def has_role(user: User | AnonymousUser, organ: Organ, *roles: str) -> bool:
    held = roles_in(user, organ)
    return bool(held & set(roles)) if roles else bool(held)


def require_role(user: User | AnonymousUser, organ: Organ, *roles: str) -> None:
    if not has_role(user, organ, *roles):
        names = "、".join(str(Role(r).label) for r in roles)
        raise PermissionDenied(_("You need the role %(roles)s in %(organ)s.") % {"roles": names, "organ": organ.name})


def role_is_held(organ: Organ, role: str) -> bool:
    """Whether anyone active holds ``role`` in ``organ`` (a sign-off step nobody holds waits for ever)."""
    return Membership.objects.active().filter(organ=organ, role=role).exists()


def holds_any_role(user: User | AnonymousUser, *roles: str) -> bool:
    """True when the user holds one of ``roles`` in some organ (no query once the memberships are loaded)."""
    return any(m.role in roles for m in _memberships(user))


def organs_with_role(user: User | AnonymousUser, *roles: str) -> QuerySet[Organ]:
    ids = {m.organ_id for m in _memberships(user) if not roles or m.role in roles}
    return Organ.objects.filter(pk__in=ids)


def supervised_organs(user: User | AnonymousUser) -> QuerySet[Organ]:
    """Organs below a government whose disclosure office this user belongs to."""
    governments = [
        m.organ for m in _memberships(user) if m.role == Role.DISCLOSURE_OFFICE and m.organ.kind == OrganKind.GOVERNMENT
    ]
    if not governments:
        return Organ.objects.none()
    condition = Q()
    for government in governments:
        condition |= Q(path__startswith=government.path)
    return Organ.objects.filter(condition)


def readable_organs(user: User | AnonymousUser) -> QuerySet[Organ]:
    """Organs whose internal records the user may read."""
    if getattr(user, "is_superuser", False):
        return Organ.objects.all()
    own = {m.organ_id for m in _memberships(user)}
    return Organ.objects.filter(Q(pk__in=own) | Q(pk__in=supervised_organs(user).values("pk")))


def readable_organ_list(user: User | AnonymousUser) -> list[Organ]:
    """The organs readable_organs() holds, as a list in tree order (pk, name, short name and path loaded). Someone who
    supervises no organ reads only their own, which come with their memberships: no query for them."""
    supervisor = any(m.role == Role.DISCLOSURE_OFFICE and m.organ.kind == OrganKind.GOVERNMENT for m in _memberships(user))
    if getattr(user, "is_superuser", False) or supervisor:
        return list(readable_organs(user).only("pk", "name", "short_name", "path").order_by("path"))
    own = {m.organ_id: m.organ for m in _memberships(user)}
    return sorted(own.values(), key=lambda organ: organ.path)


def can_read_organ(user: User | AnonymousUser, organ: Organ) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if has_role(user, organ):
        return True
    return any(
        m.role == Role.DISCLOSURE_OFFICE and m.organ.kind == OrganKind.GOVERNMENT and organ.path.startswith(m.organ.path)
        for m in _memberships(user)
    )


def require_read(user: User | AnonymousUser, organ: Organ) -> None:
    if not can_read_organ(user, organ):
        raise PermissionDenied(_("You have no access to %(organ)s.") % {"organ": organ.name})


# Who edits an organ's own pages of its disclosure column (制度, 机构信息, 领导信息).
COLUMN_EDITORS = (Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN)


def can_edit_column(user: User | AnonymousUser, organ: Organ) -> bool:
    return has_role(user, organ, *COLUMN_EDITORS)


def require_column_editor(user: User | AnonymousUser, organ: Organ) -> None:
    require_role(user, organ, *COLUMN_EDITORS)


def is_staff_member(user: User | AnonymousUser) -> bool:
    return getattr(user, "is_superuser", False) or bool(_memberships(user))


def forget(user: Any) -> None:
    """Drop the per-request cache of memberships (after granting a role)."""
    if hasattr(user, "_gongkai_memberships"):
        del user._gongkai_memberships
