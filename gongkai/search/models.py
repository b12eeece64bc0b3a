"""The search index's work queue (待索引队列).

One row per item whose index entry must be brought in line with the catalogue
(published, changed, withdrawn — or found out of step by reconciliation).
The row is written when the change is committed and stays pending until the
index holds the change, so no update depends on a process's memory: a job
that could not write (the index writer lock was held, the process died) is
taken up again by the periodic job ``index_pending_items``, with backoff.
Rows are never deleted: a done row is reopened by the item's next change."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.models import NoDeleteModel, NoDeleteQuerySet


class PendingIndexQuerySet(NoDeleteQuerySet):
    def due(self, now):
        return self.filter(done_at__isnull=True, due_at__lte=now)

    def pending(self):
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
