from django.core.management.base import BaseCommand

from gongkai.notify.services import send_pending


class Command(BaseCommand):
    help = "Send due notifications and retry failed ones (idempotent; safe to run from cron every minute, also twice at once)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many rows per run.")

    def handle(self, *args, limit, **options):
        counts = send_pending(limit=limit)
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in sorted(counts.items())))
