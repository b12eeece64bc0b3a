"""Back up the database and the media files, with a manifest of hashes and row counts.

    manage.py backup [--to FOLDER]        # default: BACKUP_DIR; prints the new backup's folder

See gongkai.ops.backup and docs/deployment.md ("Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.ops import backup


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into a new folder with a manifest (SHA-256 of every file, row counts)."

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, default=None, help="Folder to write the backup into (default BACKUP_DIR).")

    def handle(self, *args, to, **options):
        try:
            folder = backup.backup(to)
        except backup.BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(str(folder))
