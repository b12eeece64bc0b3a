"""Check an audit archive file offline (no database needed)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongkai.core.chain import verify_archive


class Command(BaseCommand):
    help = "Check an archive written by export_audit_archive: every hash and link, the manifest, and the HMAC when AUDIT_ARCHIVE_KEY is set."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--unsigned", action="store_true", help="do not check the HMAC even when a key is set")

    def handle(self, *args, path, unsigned, **options):
        key = settings.AUDIT_ARCHIVE_KEY.encode() if settings.AUDIT_ARCHIVE_KEY and not unsigned else None
        result, manifest = verify_archive(path, key=key)
        if not result.ok:
            broken = result.broken
            raise CommandError(f"archive broken after {result.checked} good events: row id={broken.id} seq={broken.seq} "
                               f"({broken.problem}): expected {broken.expected}, found {broken.found}", returncode=1)
        self.stdout.write(f"archive intact: {result.checked} events, seq {manifest.get('first_seq')}–{manifest.get('last_seq')}, "
                          f"last hash {manifest.get('last_hash')}{', signature checked' if key else ''}")
