"""网页防篡改: fingerprint the publicly served files and check them.

    manage.py fingerprints record            # after collectstatic and (the beat job does it too) periodically
    manage.py fingerprints verify [--no-restore]

``verify`` exits with status 1 when a file was found changed or missing."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.ops import fingerprints


class Command(BaseCommand):
    help = "Fingerprint the publicly served files (static tree, published attachments) and verify them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["record", "verify"])
        parser.add_argument("--no-restore", action="store_true", help="Report changed files without putting them back.")

    def handle(self, *args, action, no_restore, **options):
        if action == "record":
            summary = fingerprints.record()
            self.stdout.write(f"recorded {summary.recorded}, retired {summary.retired}")
            return
        summary = fingerprints.verify(restore=not no_restore)
        self.stdout.write(f"checked {summary.checked}, changed {len(summary.changed)}, restored {len(summary.restored)}")
        for name in summary.changed:
            self.stdout.write(f"  changed: {name}" + (" (restored)" if name in summary.restored else ""))
        if summary.changed:
            raise CommandError(f"{len(summary.changed)} file(s) differed from their fingerprints")
