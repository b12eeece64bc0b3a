"""Applicants' personal data on staff screens and in exports: masked by role,
shown in full only by an explicit action with a reason, every read audited.

- Staff with a role in the application's organ see it partly masked
  (1101**********2672, 138****5678, z***@example.com, 某市福田区****).
- Those who read the organ without a role in it (the supervising government's
  disclosure office, a superuser) see only that a value exists (******).
- The handlers of the organ (clerk, department head, disclosure office) may
  show the full values once, giving a reason: ``unmask`` writes the audit row
  ``applications.personal_data_unmasked`` with the reason.
- Opening a case page writes ``applications.personal_data_read`` (one row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from gongkai.applications.models import Application, IdType
from gongkai.core import masking
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, NotAllowed
from gongkai.organs.models import Role
from gongkai.organs.permissions import has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User
    from gongkai.organs.models import Organ

PARTIAL, HIDDEN = "partial", "hidden"
UNMASK_ROLES = (Role.CLERK, Role.DEPARTMENT_HEAD, Role.DISCLOSURE_OFFICE)
READ_ACTION = "applications.personal_data_read"
UNMASK_ACTION = "applications.personal_data_unmasked"


def level(user: User | AnonymousUser, organ: Organ) -> str:
    """How much of an applicant's personal data ``user`` sees for an application of ``organ``."""
    return PARTIAL if has_role(user, organ) else HIDDEN


def can_unmask(user: User | AnonymousUser, organ: Organ) -> bool:
    return has_role(user, organ, *UNMASK_ROLES)


def mask_contact(value: str) -> str:
    """An address that is an e-mail or a phone number (notifications)."""
    return masking.mask_email(value) if "@" in (value or "") else masking.mask_phone(value)


def masked(application: Application, how: str) -> dict[str, str]:
    """The personal fields as ``how`` allows."""
    values = full(application)
    if how == HIDDEN:
        return {name: masking.hide(value) for name, value in values.items()}
    return {
        "id_number": masking.mask_id_number(values["id_number"], credit_code=application.id_type == IdType.CREDIT_CODE),
        "phone": masking.mask_phone(values["phone"]),
        "email": masking.mask_email(values["email"]),
        "address": masking.mask_address(values["address"]),
    }


def full(application: Application) -> dict[str, str]:
    return {name: getattr(application, name) or "" for name in ("id_number", "phone", "email", "address")}


def shown_to(user: User | AnonymousUser, application: Application) -> dict[str, str]:
    return masked(application, level(user, application.organ))


def record_read(application: Application, *, by: User) -> None:
    """A staff member opened the case page (the masked personal data)."""
    log_action(application, READ_ACTION, by=by, organ=application.organ)


def unmask(application: Application, *, by: User, reason: str) -> dict[str, str]:
    """The full personal data, for a handler who gives a reason; audited."""
    if not can_unmask(by, application.organ):
        raise NotAllowed(_("Only the clerk, department head or disclosure office of the organ may show personal data in full."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("Give the reason for showing the personal data in full (at least 4 characters)."), field="reason")
    log_action(application, UNMASK_ACTION, by=by, organ=application.organ, reason=reason[:500],
               data={"fields": ["id_number", "phone", "email", "address"]})
    return full(application)
