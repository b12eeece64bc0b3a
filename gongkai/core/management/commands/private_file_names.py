"""private_file_names [--dry-run]: move every stored file still under a telling name
(its original name, a tracking number) to a random one, and point its rows at it."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gongkai.core.files import rename_stored_files


class Command(BaseCommand):
    help = "Give every stored file a random name (the original name stays in the database). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the files that would be renamed.")

    def handle(self, *args, dry_run, **options):
        result = rename_stored_files(dry_run=dry_run)
        self.stdout.write(
            _("Renamed: %(renamed)d; already random: %(kept)d; missing on storage (rows left as they were): %(missing)d.")
            % result
        )
        for name in result["missing_names"][:50]:
            self.stdout.write(f"  {name}")
