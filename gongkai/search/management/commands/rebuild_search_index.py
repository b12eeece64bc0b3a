"""Rebuild the search index from the catalogue (全文检索索引重建).

    manage.py rebuild_search_index [--batch 2000] [--processes N]

Items are read in primary-key batches; with ``--processes`` the jieba
segmentation (the slow part) runs in N worker processes while this process
feeds the one tantivy writer. Everything is replaced in one commit at the
end: searches see the old index until then, and items published meanwhile
stay queued (``search.PendingIndex``) and are retried after it, so none is lost."""

from __future__ import annotations

import multiprocessing
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from gongkai.search import index as ix


def _segment_batch(batch: list[dict]) -> list[dict]:
    return [ix.segment_fields(fields) for fields in batch]


class Command(BaseCommand):
    help = "Rebuild the full-text search index of published items."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="Items read from the database at a time.")
        parser.add_argument("--processes", type=int, default=1, help="Worker processes segmenting text.")
        parser.add_argument("--threads", type=int, default=1, help="tantivy indexing threads.")
        parser.add_argument("--heap-mb", type=int, default=256, help="tantivy writer memory budget in MB.")

    def handle(self, *args, batch, processes, threads, heap_mb, **options):
        context = ix.context_for_indexing()
        total = ix.indexable_items().count()
        self.stdout.write(
            f"Indexing {total} published items into {settings.SEARCH_INDEX_DIR} ({processes} process(es), batch {batch})"
        )

        def batches():
            last = 0
            qs = (
                ix.indexable_items()
                .only(
                    "id",
                    "title",
                    "body_text",
                    "document_number",
                    "index_number",
                    "keywords",
                    "attachments_text",
                    "organ_id",
                    "organ__path",
                    "on_portal",
                    "topic_id",
                    "category_id",
                    "published_at",
                    "validity",
                    "updated_at",
                )
                .order_by("pk")
            )
            while True:
                items = list(qs.filter(pk__gt=last)[:batch])
                if not items:
                    return
                last = items[-1].pk
                yield [ix.item_fields(item, **context) for item in items]

        started = time.monotonic()
        done = 0
        with ix.writer(heap=heap_mb * 1_000_000, threads=threads) as w:
            w.delete_all_documents()
            if processes > 1:
                # fork: the children inherit the loaded dictionary; they never touch the database.
                with multiprocessing.get_context("fork").Pool(processes) as pool:
                    for segmented in pool.imap(_segment_batch, batches(), chunksize=1):
                        done = self._add(w, segmented, done, total, started)
            else:
                for fields in batches():
                    done = self._add(w, _segment_batch(fields), done, total, started)
            self.stdout.write("Committing…")
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed else 0
        self.stdout.write(self.style.SUCCESS(f"Indexed {done} items in {elapsed:.1f} s ({rate:.0f} items/s)."))

    def _add(self, w, segmented, done, total, started):
        for fields in segmented:
            w.add_document(ix.make_document(fields))
        done += len(segmented)
        elapsed = time.monotonic() - started
        self.stdout.write(f"  {done}/{total} items, {elapsed:.0f} s, {done / elapsed if elapsed else 0:.0f} items/s")
        return done
