"""The rules an item's content must satisfy (one set, asked by the form, the API, the importer and the services).

``check_row`` holds the rules every way in shares — title, dates (成文日期, 发布日期 and their order), topic and
category, validity (废止/失效) — on values already read and looked up, with no database query, so the importer can
ask it for each of a million rows; ``check_data`` asks it for the form, the API and the services and adds the rules
that need the database (departments, withholding reasons, interpretations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.accounts.models import User
from gongkai.catalogue.models import (
    ENDED_STATES,
    Disclosure,
    InterpretationKind,
    Item,
    ItemState,
    Validity,
)
from gongkai.catalogue.services.content import CHOICE_FIELDS, FOREIGN_KEYS
from gongkai.catalogue.workflow import (
    DRAFTING_ROLES,
)
from gongkai.core.errors import DomainError
from gongkai.organs.models import Organ
from gongkai.organs.permissions import organs_with_role

TITLE_LIMIT: int = Item._meta.get_field("title").max_length  # type: ignore[assignment]
# The words of the rules a form field or a serializer field checks before the rules run (a required field, a
# length): they give these as their own error messages, so every way in says the same.
MISSING = {
    "title": gettext_lazy("Enter the title."),
    "date_formed": gettext_lazy("Enter the date the document was formed (成文日期)."),
    "topic": gettext_lazy("Choose a topic (主题分类)."),
    "category": gettext_lazy("Choose a category (信息类别)."),
}
TITLE_TOO_LONG = gettext_lazy("Write the title in at most %(limit_value)d characters.")


def no_such_entry(field: str, written: str) -> str:
    """The message for a topic or category written by code or name that does not exist (API, importer)."""
    if field == "topic":
        return _("There is no topic “%(value)s”.") % {"value": written[:40]}
    return _("There is no category “%(value)s”.") % {"value": written[:40]}


def check_row(row: dict[str, Any], *, today: dt.date, date_asked: bool = True) -> dict[str, str]:
    """The shared rules on one row of values already read, as {field: message}; no database query.

    ``row``: ``title`` (str); ``date_formed`` (date or None); ``published_at`` (date or None, only where the row
    says when it was published: the importer); ``topic``/``category`` (the object, None when missing or unknown)
    with ``topic_written``/``category_written`` (what the row said, for the message about an unknown one);
    ``validity``, ``validity_changed_on``, ``validity_note``. ``date_asked`` False spares the date of repeal to a
    file with no column for it."""
    errors: dict[str, str] = {}
    title = (row.get("title") or "").strip()
    if not title:
        errors["title"] = str(MISSING["title"])
    elif len(title) > TITLE_LIMIT:
        errors["title"] = str(TITLE_TOO_LONG) % {"limit_value": TITLE_LIMIT}
    formed, published = row.get("date_formed"), row.get("published_at")
    if formed is None:
        errors["date_formed"] = str(MISSING["date_formed"])
    elif formed > today:
        errors["date_formed"] = _("The date formed cannot be in the future.")
    if "published_at" in row:
        if published is None:
            errors["published_at"] = _("Enter the date the document was published (发布日期).")
        elif published > today:
            errors["published_at"] = _("The date published cannot be in the future.")
        elif formed is not None and "date_formed" not in errors and formed > published:
            errors["date_formed"] = _("The date formed is after the date published.")
    for field in ("topic", "category"):
        if row.get(field) is None:
            written = (row.get(f"{field}_written") or "").strip()
            errors[field] = no_such_entry(field, written) if written else str(MISSING[field])
    errors.update(validity_errors(row.get("validity") or Validity.IN_FORCE, changed_on=row.get("validity_changed_on"),
                                  note=row.get("validity_note"), date_asked=date_asked))
    return errors


def check_data(organ: Organ, data: dict[str, Any], *, item: Item | None = None) -> dict[str, str]:
    """The rules an item's content must satisfy, as {field: message}. Forms
    show all of them at once; services refuse with the first."""
    objects: dict[str, Any] = {}
    inactive: dict[str, str] = {}
    for key, model in FOREIGN_KEYS.items():
        pk = data.get(key)
        if pk in (None, ""):
            objects[key] = None
            continue
        objects[key] = model.objects.filter(pk=pk).first()
        if objects[key] is None or not getattr(objects[key], "is_active", True):
            inactive[key] = _("Choose an active entry from the list.")
    shared = check_row(
        {
            "title": data.get("title"),
            "date_formed": dt.date.fromisoformat(data["date_formed"]) if data.get("date_formed") else None,
            "topic": objects.get("topic"), "category": objects.get("category"),
            "validity": data.get("validity"), "validity_changed_on": data.get("validity_changed_on"),
            "validity_note": data.get("validity_note"),
        },
        today=timezone.localdate(),
    )
    # in the order the form shows them: title and date, then the look-ups, then the rest
    errors = {field: shared[field] for field in ("title", "date_formed") if field in shared}
    errors.update(inactive)
    for field in ("topic", "category"):
        if field in shared:
            errors.setdefault(field, shared[field])
    department = objects.get("department")
    if department is not None and department.organ_id != organ.pk:
        errors["department"] = _("This department belongs to another organ.")
    for key, choices in CHOICE_FIELDS.items():
        value = data.get(key) or ""
        if value and value not in choices.values:
            errors[key] = _("Choose a valid option.")
    disclosure = data.get("disclosure") or Disclosure.ACTIVE
    if disclosure != Disclosure.ACTIVE:
        reason = objects.get("withholding_reason")
        if reason is None:
            errors.setdefault("withholding_reason", _("Items not disclosed proactively need a legal reason."))
        elif reason.applies_to != disclosure:
            errors["withholding_reason"] = _("This reason does not apply to the chosen disclosure attribute.")
        if not (data.get("withholding_note") or "").strip():
            errors["withholding_note"] = _("Explain in your own words why this item is not disclosed proactively.")
    if item is not None and item.state == ItemState.PUBLISHED and disclosure != Disclosure.ACTIVE:
        errors["disclosure"] = _("A published item cannot be revised into a withheld one; withdraw it instead.")
    errors.update({field: message for field, message in shared.items() if field.startswith("validity_")})
    category = objects.get("category")
    interprets = data.get("interprets") or []
    if category is not None and category.is_interpretation:
        kind = data.get("interpretation_kind") or ""
        if not kind:
            errors["interpretation_kind"] = _("Choose the form of the interpretation (text, graphic or video).")
        if kind == InterpretationKind.VIDEO and not data.get("video_url"):
            errors["video_url"] = _("A video interpretation needs the link to the video.")
        if not interprets:
            errors["interprets"] = _("Choose the policy document(s) this interprets.")
    elif interprets:
        errors["interprets"] = _("Only items of an interpretation category (政策解读) can interpret policy documents.")
    if interprets:
        policies = Item.objects.filter(pk__in=interprets).select_related("category", "organ")
        if len(policies) != len(set(interprets)) or any(not p.category.is_policy for p in policies):
            errors["interprets"] = _("Only policy documents can be interpreted.")
        elif item is not None and item.pk in interprets:
            errors["interprets"] = _("An item cannot interpret itself.")
        elif any(not may_interpret(organ, p) for p in policies):
            errors["interprets"] = _(
                "An interpretation can explain the policy documents of its own organ, or published ones of the "
                "governments and organs above it."
            )
    return errors


def validity_errors(validity: str, *, changed_on: Any, note: str | None, date_asked: bool = True) -> dict[str, str]:
    """The rule for a repealed or expired item (废止/失效), wherever it comes from (form, API, import): the public
    reads the explanation and the date it took effect. A catalogue file with no column for that date
    (``date_asked`` False) cannot give it, and is spared that half of the rule."""
    errors: dict[str, str] = {}
    if validity == Validity.IN_FORCE:
        return errors
    if date_asked and not changed_on:
        errors["validity_changed_on"] = _("Enter the date it was repealed or expired.")
    if not (note or "").strip():
        errors["validity_note"] = _("Explain the repeal or expiry; the public sees this explanation.")
    return errors


def may_interpret(organ: Organ, policy: Item) -> bool:
    """Whether an interpretation drafted in ``organ`` may explain ``policy``: a
    policy document of the organ itself, or a published one of an organ above it."""
    if not policy.category.is_policy or policy.state in ENDED_STATES:
        return False
    if policy.organ_id == organ.pk:
        return True
    return policy.is_public and organ.path.startswith(policy.organ.path)


def interpretable_policies(organ: Organ) -> models.QuerySet[Item]:
    """The policy documents an interpretation drafted in ``organ`` may explain (see ``may_interpret``)."""
    return (
        Item.objects.filter(category__is_policy=True)
        .filter(models.Q(organ=organ) | models.Q(organ__in=organ.ancestors(), state=ItemState.PUBLISHED, disclosure=Disclosure.ACTIVE))
        .exclude(state__in=ENDED_STATES)
    )


def organs_to_interpret(user: User, policy: Item) -> list[Organ]:
    """The organs in which ``user`` may draft an interpretation of ``policy``."""
    return [o for o in organs_with_role(user, *DRAFTING_ROLES).filter(is_active=True).order_by("path") if may_interpret(o, policy)]


def _refuse_if_invalid(organ: Organ, data: dict[str, Any], item: Item | None = None) -> None:
    errors = check_data(organ, data, item=item)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
