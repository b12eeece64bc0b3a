"""import_catalogue FILE --organ SLUG [--dry-run] [--user USERNAME]

Imports an organ's existing catalogue (Excel .xlsx or CSV) as published items.
A dry run only reports bad rows; a real run imports every row or none."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongkai.catalogue.importing import ImportFileError, run_import
from gongkai.organs.models import Organ


class Command(BaseCommand):
    help = "Import an existing catalogue (索引号, 标题, 发文字号, 成文日期, 发布日期, 主题分类, 信息类别, 有效性, 关键词, 正文) from .xlsx or CSV."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organ", required=True, help="The organ's web address name (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, import nothing.")
        parser.add_argument(
            "--user", help="Username recorded as author and publisher (default: the first active superuser)."
        )
        parser.add_argument(
            "--max-rows", type=int, default=None,
            help="Read at most this many rows of an Excel sheet (default: the setting IMPORT_MAX_ROWS; 0: no limit).",
        )
        parser.add_argument("--max-errors", type=int, default=200, help="How many bad rows to print (all are counted).")

    def handle(self, *args, **options):
        try:
            organ = Organ.objects.get(slug=options["organ"])
        except Organ.DoesNotExist:
            raise CommandError(_("There is no organ “%(slug)s”.") % {"slug": options["organ"]}) from None
        users = get_user_model().objects.filter(is_active=True)
        if options["user"]:
            user = users.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("There is no active user “%(name)s”.") % {"name": options["user"]})
        else:
            user = users.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError(_("Name the importing user with --user (there is no superuser)."))
        try:
            with open(options["file"], "rb") as stream:
                report = run_import(stream, organ=organ, by=user, name=options["file"], dry_run=options["dry_run"], max_rows=options["max_rows"])
        except FileNotFoundError:
            raise CommandError(_("There is no file “%(name)s”.") % {"name": options["file"]}) from None
        except ImportFileError as error:
            raise CommandError(str(error)) from None

        for error in report.errors[: options["max_errors"]]:
            self.stderr.write(_("Row %(row)d: %(reasons)s") % {"row": error.row, "reasons": " ".join(error.messages)})
        if len(report.errors) > options["max_errors"]:
            self.stderr.write(_("… and %(count)d more bad rows.") % {"count": len(report.errors) - options["max_errors"]})
        if report.ignored_columns:
            self.stdout.write(_("Columns not imported: %(columns)s") % {"columns": "、".join(report.ignored_columns)})
        rate = report.rows / report.seconds if report.seconds else 0
        if report.errors:
            raise CommandError(
                _("%(bad)d of %(rows)d rows are bad; nothing was imported.") % {"bad": report.bad_rows, "rows": report.rows}
            )
        if options["dry_run"]:
            self.stdout.write(_("Dry run: all %(rows)d rows are good (%(rate).0f rows/s). Nothing was imported.") % {"rows": report.rows, "rate": rate})
        else:
            self.stdout.write(
                _("Imported %(count)d items into %(organ)s in %(seconds).1f s (%(rate).0f rows/s); %(numbered)d were given new index numbers.")
                % {"count": report.imported, "organ": organ.name, "seconds": report.seconds, "rate": rate, "numbered": report.numbered}
            )
