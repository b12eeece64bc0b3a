"""Restore a backup made by ``manage.py backup``.

    manage.py restore FOLDER [--yes]

Checks every file against the manifest first (nothing is touched when one
differs), then replaces the database and MEDIA_ROOT (the current tree is moved
aside, not deleted), compares the row counts, verifies the audit chain when
``verify_audit_chain`` exists and rebuilds the search index."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.ops import backup


class Command(BaseCommand):
    help = "Restore the database and MEDIA_ROOT from a backup folder (verified against its manifest first)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--no-index", action="store_true", help="Do not rebuild the search index afterwards.")

    def handle(self, *args, folder, yes, no_index, **options):
        try:
            manifest = backup.verify(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"backup of {manifest['created_at']} ({manifest['engine']}, {len(manifest['files'])} files) verified")
        if not yes and input("This replaces the whole database and the media files. Type yes to go on: ").strip() != "yes":
            raise CommandError("not restored")
        try:
            result = backup.restore(folder, rebuild_index=not no_index, stdout=self.stdout)
        except backup.BackupError as exc:
            raise CommandError(str(exc))
        if result.media_set_aside:
            self.stdout.write(f"previous media files kept in {result.media_set_aside}")
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        self.stdout.write("restored")
