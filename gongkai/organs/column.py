"""An organ's own pages of its disclosure column (政府信息公开专栏), written by its staff in the workspace:
政府信息公开制度 (rules, rich text), 机构信息 (the organ's profile and its internal bodies) and 领导信息 (leaders).

Every change is one audit row with the values before and after; nothing is deleted (a rules text is kept
version by version, a leader taken off the page is deactivated). The public pages are refreshed through
``signals.column_changed``, sent on commit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.core.contacts import is_phone, is_postcode
from gongkai.core.errors import DomainError
from gongkai.core.richtext import clean_html, html_to_text
from gongkai.organs.models import ColumnText, ColumnTextKind, Department, Leader, Organ
from gongkai.organs.permissions import require_column_editor
from gongkai.organs.signals import column_changed

MAX_TEXT = 100_000
# The organisation page's fields of the organ itself (the rest of the organ is set up by an administrator).
PROFILE_FIELDS = ("functions", "office_name", "address", "postcode", "office_hours", "phone", "fax", "email", "website")
LEADER_FIELDS = ("name", "post", "duties", "sort")


def _changed(organ: Organ) -> None:
    organ_id, slug = organ.pk, organ.slug
    transaction.on_commit(lambda: column_changed.send(sender=Organ, organ_id=organ_id, slug=slug))


def current_text(organ: Organ, kind: str) -> ColumnText | None:
    """The newest version of an organ's text for ``kind`` (None: never written)."""
    return ColumnText.objects.filter(organ=organ, kind=kind).order_by("-pk").first()


@transaction.atomic
def save_text(*, organ: Organ, kind: str, body: str, by, reason: str = "") -> ColumnText:
    """A new version of the organ's text (cleaned like item bodies); the older versions are kept."""
    require_column_editor(by, organ)
    if kind not in ColumnTextKind.values:
        raise DomainError(_("Unknown page “%(kind)s”.") % {"kind": kind}, field="kind")
    if len(body or "") > MAX_TEXT:
        raise DomainError(_("The text is too long (at most %(limit)s characters).") % {"limit": MAX_TEXT}, field="body")
    cleaned = clean_html(body or "")
    if not html_to_text(cleaned).strip():
        raise DomainError(_("Write the text of the page."), field="body")
    Organ.objects.select_for_update().filter(pk=organ.pk).first()  # one version at a time per organ
    before = current_text(organ, kind)
    if before is not None and before.body == cleaned:
        raise DomainError(_("The text is the same as the one shown now."), field="body")
    row = ColumnText.objects.create(organ=organ, kind=kind, body=cleaned, reason=reason or "", created_by=by)
    log_action(
        row, "organs.column_text_saved", by=by, organ=organ, reason=reason,
        data={"kind": kind, "before": before.pk if before else None, "after": row.pk},
    )
    _changed(organ)
    return row


def _check_profile(values: dict) -> None:
    if values.get("phone") and not is_phone(values["phone"]):
        raise DomainError(_("Enter a valid phone number."), field="phone")
    if values.get("fax") and not is_phone(values["fax"]):
        raise DomainError(_("Enter a valid fax number."), field="fax")
    if values.get("postcode") and not is_postcode(values["postcode"]):
        raise DomainError(_("A postcode has six digits."), field="postcode")


@transaction.atomic
def save_profile(*, organ: Organ, values: dict, by, reason: str = "") -> Organ:
    """Change the organ's own details shown on its organisation page and guide (functions, office, address,
    hours, phone …). The audit row keeps each changed field's old and new value."""
    require_column_editor(by, organ)
    values = {name: (values.get(name) or "").strip() for name in PROFILE_FIELDS if name in values}
    _check_profile(values)
    locked = Organ.objects.select_for_update().get(pk=organ.pk)
    changes = {name: [getattr(locked, name), value] for name, value in values.items() if getattr(locked, name) != value}
    if not changes:
        raise DomainError(_("Nothing was changed."))
    for name, (_old, new) in changes.items():
        setattr(locked, name, new)
    locked.save(update_fields=list(changes))
    log_action(locked, "organs.profile_saved", by=by, organ=locked, reason=reason, data={"changes": changes})
    _changed(locked)
    return locked


@transaction.atomic
def save_department_duties(*, department: Department, duties: str, by, reason: str = "") -> Department:
    """The duties of an internal body (内设机构) as the organisation page shows them."""
    require_column_editor(by, department.organ)
    locked = Department.objects.select_for_update().get(pk=department.pk)
    duties = (duties or "").strip()
    if len(duties) > 5000:
        raise DomainError(_("The text is too long (at most %(limit)s characters).") % {"limit": 5000}, field="duties")
    if locked.duties == duties:
        raise DomainError(_("Nothing was changed."), field="duties")
    before, locked.duties = locked.duties, duties
    locked.save(update_fields=["duties"])
    log_action(locked, "organs.department_duties_saved", by=by, organ=locked.organ, reason=reason,
               data={"before": before, "after": duties})
    _changed(locked.organ)
    return locked


def _leader_values(values: dict) -> dict:
    cleaned = {name: values.get(name) for name in LEADER_FIELDS if name in values}
    for name in ("name", "post", "duties"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if not cleaned.get("name"):
        raise DomainError(_("Enter the leader's name."), field="name")
    if not cleaned.get("post"):
        raise DomainError(_("Enter the leader's post."), field="post")
    cleaned["sort"] = int(cleaned.get("sort") or 0)
    return cleaned


@transaction.atomic
def add_leader(*, organ: Organ, values: dict, by, reason: str = "") -> Leader:
    require_column_editor(by, organ)
    leader = Leader.objects.create(organ=organ, **_leader_values(values))
    log_action(leader, "organs.leader_added", by=by, organ=organ, reason=reason,
               data={name: getattr(leader, name) for name in LEADER_FIELDS})
    _changed(organ)
    return leader


@transaction.atomic
def change_leader(*, leader: Leader, values: dict, by, reason: str = "") -> Leader:
    require_column_editor(by, leader.organ)
    locked = Leader.objects.select_for_update().get(pk=leader.pk)
    if not locked.is_active:
        raise DomainError(_("This leader is no longer shown; add them again instead."))
    new = _leader_values(values)
    changes = {name: [getattr(locked, name), value] for name, value in new.items() if getattr(locked, name) != value}
    if not changes:
        raise DomainError(_("Nothing was changed."))
    for name, (_old, value) in changes.items():
        setattr(locked, name, value)
    locked.save()
    log_action(locked, "organs.leader_changed", by=by, organ=locked.organ, reason=reason, data={"changes": changes})
    _changed(locked.organ)
    return locked


@transaction.atomic
def remove_leader(*, leader: Leader, by, reason: str = "") -> Leader:
    """Take a leader off the page (kept, with their history, as not shown)."""
    require_column_editor(by, leader.organ)
    locked = Leader.objects.select_for_update().get(pk=leader.pk)
    if not locked.is_active:
        raise DomainError(_("This leader is no longer shown."))
    if not (reason or "").strip():
        raise DomainError(_("Say why the leader is taken off the page."), field="reason")
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    log_action(locked, "organs.leader_removed", by=by, organ=locked.organ, reason=reason,
               data={name: getattr(locked, name) for name in LEADER_FIELDS})
    _changed(locked.organ)
    return locked
