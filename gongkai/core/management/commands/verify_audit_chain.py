"""Check the audit trail's hash chain; exit 1 at the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (streams every event); exits non-zero at the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, database, chunk_size, **options):
        result = verify_chain(using=database, chunk_size=chunk_size)
        if not result.ok:
            broken = result.broken
            raise CommandError(
                f"audit chain broken after {result.checked} good events: row id={broken.id} seq={broken.seq} "
                f"({broken.problem}): expected {broken.expected}, found {broken.found}",
                returncode=1,
            )
        algorithms = ",".join(sorted(result.algorithms)) or "-"
        self.stdout.write(f"audit chain intact: {result.checked} events, last seq {result.last_seq}, "
                          f"last hash {result.last_hash} ({algorithms})")
