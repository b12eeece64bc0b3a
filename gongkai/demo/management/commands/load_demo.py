"""load_demo [--if-empty] [--items N]: build the demo city (docs/demo.md)."""

from __future__ import annotations

import importlib
import importlib.util
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongkai.demo.builder import PASSWORD, Builder
from gongkai.organs.models import Organ

# Other apps add their own demo data: a module with build(city=..., log=...).
HOOKS = ("gongkai.applications.demo", "gongkai.interaction.demo", "gongkai.reports.demo")


class Command(BaseCommand):
    help = "Build the demo city: organs, people for every role (password Demo12345), a catalogue and items in the workflow."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when organs already exist.")
        parser.add_argument("--items", type=int, default=300, help="About how many catalogue items to make (default 300).")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty, items, seed, **options):
        if settings.PRODUCTION:
            raise CommandError(_(
                "The demo is never loaded in production (GONGKAI_PRODUCTION=1): its accounts have a published password."
            ))
        if Organ.objects.exists():
            if if_empty:
                self.stdout.write(_("Demo data not loaded: the database already has organs."))
                return
            raise CommandError(_("The database already has organs; load the demo only into an empty database."))
        if items < 0:
            raise CommandError(_("--items cannot be negative."))
        started = time.monotonic()
        self.stdout.write(_("Building the demo city…"))
        city = Builder(items=items, seed=seed, log=self.stdout.write).build()
        for module_name in HOOKS:
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            if hasattr(module, "build"):
                self.stdout.write(_("Demo data from %(module)s…") % {"module": module_name})
                module.build(city=city, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo city built in %(seconds).0f s: %(organs)d organs, %(people)d people. Sign in as sysadmin, secadmin, auditadmin or e.g. gxj_clerk with the password %(password)s.")
                % {"seconds": time.monotonic() - started, "organs": len(city.organs), "people": len(city.people) + 1, "password": PASSWORD}
            )
        )
