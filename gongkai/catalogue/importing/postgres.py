"""PostgreSQL's COPY for the import's rows."""

from __future__ import annotations

from django.db import IntegrityError

from gongkai.catalogue.importing.rows import _Lookups
from gongkai.catalogue.models import Category, Item, Topic
from gongkai.organs.models import Organ

try:
    import psycopg

    INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (IntegrityError, psycopg.IntegrityError)
except ImportError:  # SQLite-only installs
    INTEGRITY_ERRORS = (IntegrityError,)


def _copy_escape(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _referenced_rows(organ: Organ, user, lookups: _Lookups) -> dict | None:
    """The rows every foreign key of an imported item points to, by model; None when a
    foreign key could point to a row the import does not know (then PostgreSQL checks each row)."""
    from django.contrib.auth import get_user_model

    referenced = {
        Organ: {organ.pk},
        get_user_model(): {user.pk},
        Topic: {t.pk for t in lookups.topics.values()},
        Category: {c.pk for c in lookups.categories.values()},
    }
    always_null = {"department_id", "withholding_reason_id"}
    for f in Item._meta.concrete_fields:
        if f.is_relation and f.attname not in always_null and f.related_model not in referenced:
            return None
    return referenced
