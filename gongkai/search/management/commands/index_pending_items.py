"""Index the queued search-index updates whose retry is due.

    manage.py index_pending_items [--wait]

Run by cron every minute when there is no Celery broker (with one, beat runs
the same job). ``--wait`` waits for the writer lock instead of leaving the
items for the next run."""

from django.core.management.base import BaseCommand

from gongkai.search import services


class Command(BaseCommand):
    help = "Index the queued search-index updates whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument("--wait", action="store_true", help="Wait for the index writer lock.")

    def handle(self, *args, wait, **options):
        result = services.index_pending(blocking=wait)
        self.stdout.write(f"Indexed {result['indexed']}, busy {result['failed']}, still queued {result['pending']}.")
