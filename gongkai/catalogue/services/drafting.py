"""Drafting: a new item, changes to the working content, interpretation links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.models import User
from gongkai.catalogue.models import (
    Item,
    ItemState,
)
from gongkai.catalogue.services.attachments import _store_attachment
from gongkai.catalogue.services.content import (
    DEFAULTS,
    _apply,
    _check,
    _lock,
    _require,
    _revision_version,
    _state_label,
    content_hash,
    normalize,
    working_data,
)
from gongkai.catalogue.services.review import _texts_to_scan
from gongkai.catalogue.services.review import submit as submit_item
from gongkai.catalogue.services.rules import _refuse_if_invalid
from gongkai.catalogue.workflow import (
    DRAFTING_ROLES,
)
from gongkai.core.audit import log_action
from gongkai.organs.models import Organ
from gongkai.sensitive import services as sensitive


def create_draft(*, organ: Organ, by: User, data: dict[str, Any], files: Iterable = ()) -> Item:
    """A new item in draft, with its attachments; all or nothing."""
    _require(by, organ, DRAFTING_ROLES)
    content = {**DEFAULTS, **normalize(data)}
    _refuse_if_invalid(organ, content)
    with transaction.atomic():
        item = Item(organ=organ, created_by=by, state=ItemState.DRAFT, version=0)
        for key in ("topic", "category"):
            setattr(item, f"{key}_id", content[key])
        item.date_formed = dt.date.fromisoformat(content["date_formed"])
        item.save()
        _apply(item, content)
        for uploaded in files:
            _store_attachment(item, by=by, uploaded=uploaded)
        sensitive.check_draft(item, texts=_texts_to_scan({**content, "attachments": []}))
        log_action(item, "catalogue.drafted", by=by, data={"title": item.title})
    return item


def update_draft(item: Item, *, by: User, data: dict[str, Any], files: Iterable = ()) -> Item:
    """Change the working content (a draft, a returned item or a revision) and attach ``files``; all or nothing."""
    with transaction.atomic():
        item = _lock(item)
        _check(item, by, "edit", _("This item cannot be edited now: it is %(state)s.") % {"state": _state_label(item)})
        changes = normalize(data)
        current = working_data(item)
        content = {**current, **changes}
        _refuse_if_invalid(item.organ, content, item)
        changed = sorted(k for k in changes if current.get(k) != content.get(k))
        if item.state == ItemState.PUBLISHED:
            version = _revision_version(item, by=by)
            version.data = content
            version.content_hash = content_hash(content)
            version.save(update_fields=["data", "content_hash"])
        else:
            _apply(item, changes)
        sensitive.check_draft(item, texts=_texts_to_scan({**content, "attachments": []}))
        log_action(item, "catalogue.edited", by=by, data={"fields": changed})
        for uploaded in files:
            _store_attachment(item, by=by, uploaded=uploaded)
    return item


def link_interpretation(item: Item, *, by: User, policies: Iterable[Item], kind: str, video_url: str = "") -> Item:
    """Make ``item`` (of an interpretation category) interpret ``policies``; shown both ways once published."""
    return update_draft(
        item, by=by, data={"interprets": list(policies), "interpretation_kind": kind, "video_url": video_url}
    )


def push(
    *, organ: Organ, by: User, data: dict[str, Any], files: Iterable = (), submit: bool = False, note: str = "",
    client_id: int, client_name: str,
) -> Item:
    """A document pushed by an OA system (its key stands for ``by`` in ``organ``): a new draft, straight into
    the sign-off chain when ``submit``; all or nothing, recorded as ``api.pushed`` with the key that sent it."""
    files = list(files)
    with transaction.atomic():
        item = create_draft(organ=organ, by=by, data=data, files=files)
        if submit:
            submit_item(item, by=by, note=note)
        log_action(
            item, "api.pushed", by=by, organ=organ,
            data={"client": client_id, "client_name": client_name, "submit": submit, "files": len(files)},
        )
    item.refresh_from_db()
    return item
