"""Compare the search index with the published items and repair drift.

    manage.py reconcile_search_index [--dry-run] [--batch 5000]

Reads ids and version stamps from both sides, id range by id range; items
published but missing, indexed with an older stamp, or indexed but no longer
published are queued and indexed. Run hourly by Celery beat, or by cron."""

from django.core.management.base import BaseCommand

from gongkai.search import services


class Command(BaseCommand):
    help = "Compare the search index with the published items and repair drift."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report the drift, repair nothing.")
        parser.add_argument("--batch", type=int, default=5000, help="Ids compared at a time.")

    def handle(self, *args, dry_run, batch, **options):
        drift = services.reconcile(batch=batch, repair=not dry_run)
        self.stdout.write(
            f"Missing {len(drift.missing)}, stale {len(drift.stale)}, no longer published {len(drift.gone)}"
            + (" (not repaired)." if dry_run else " (repaired).")
        )
