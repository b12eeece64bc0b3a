"""The search index's work queue (待索引队列).

One row per item whose index entry must be brought in line with the catalogue
(published, changed, withdrawn — or found out of step by reconciliation).
The row is written when the change is committed and stays pending until the
index holds the change, so no update depends on a process's memory: a job
that could not write (the index writer lock was held, the process died) is
taken up again by the periodic job ``index_pending_items``, with backoff.
Rows are never deleted: a done row is reopened by the item's next change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet


class PendingIndexQuerySet(NoDeleteQuerySet):
    def due(self, now: dt.datetime) -> PendingIndexQuerySet:
        return self.filter(done_at__isnull=True, due_at__lte=now)

    def pending(self) -> PendingIndexQuerySet:
        return self.filter(done_at__isnull=True)


class PendingIndex(NoDeleteModel):
    item_id = models.PositiveBigIntegerField(_("item"), unique=True)
    requested_at = models.DateTimeField(_("requested at"))
    # When the next attempt may run; pushed forward while a worker holds the row and after each failure.
    due_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    done_at = models.DateTimeField(_("indexed at"), null=True, blank=True)

    objects = PendingIndexQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")
        indexes = [models.Index(fields=["due_at"], name="pendingindex_due", condition=models.Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"item {self.item_id}"


_WORD_SEPARATORS = str.maketrans({c: " " for c in ",，、;；|/\n\r\t"})


class SynonymGroup(NoDeleteModel):
    """Words a searcher may type for one another (同义词、简称): an abbreviation and
    its full form (环保 环境保护), or two names of one thing. A query holding one
    of them also finds the items holding any other. Edited by administrators;
    a group is switched off rather than deleted. Changes apply at once."""

    words = models.CharField(
        _("words"), max_length=500,
        help_text=_("Two or more words that mean the same, separated by spaces or commas, e.g. 环保 环境保护."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["pk"]

    def __str__(self) -> str:
        return " ↔ ".join(self.word_list())

    def word_list(self) -> list[str]:
        from gongkai.search.normalise import query_text

        return list(dict.fromkeys(w for w in query_text(self.words.translate(_WORD_SEPARATORS)).split() if w))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if len(self.word_list()) < 2:
            raise ValidationError({"words": _("Give at least two words.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        from django.db import transaction

        from gongkai.search import synonyms

        super().save(*args, **kwargs)
        transaction.on_commit(synonyms.changed)
