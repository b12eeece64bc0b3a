"""Export a period of the audit trail to a JSON Lines file that checks by itself."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongkai.core.chain import export_archive


def _day(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = ("Write the audit events of [--from, --until) (local dates) with their chain hashes to a JSON Lines file, "
            "ending with a manifest (count, first and last hash, SHA-256, HMAC-SHA256 with AUDIT_ARCHIVE_KEY). "
            "Check it offline with verify_audit_archive.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="since", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--until", required=True, help="day after the last, YYYY-MM-DD")
        parser.add_argument("--output", required=True, help="file to write (.jsonl)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, since, until, output, database, **options):
        start, end = _day(since), _day(until)
        if end <= start:
            raise CommandError("--until must be after --from")
        key = settings.AUDIT_ARCHIVE_KEY.encode() if settings.AUDIT_ARCHIVE_KEY else None
        with open(output, "xb") as out:
            manifest = export_archive(out, since=start, until=end, key=key, using=database)
        with open(output, "rb") as handle:
            whole = hashlib.sha256(handle.read()).hexdigest()
        self.stdout.write(
            f"{manifest['events']} events (seq {manifest['first_seq']}–{manifest['last_seq']}) written to {output}; "
            f"file SHA-256 {whole}; {'signed (HMAC-SHA256)' if key else 'not signed: AUDIT_ARCHIVE_KEY is not set'}"
        )
