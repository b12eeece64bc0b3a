"""Website health from the command line, through the same services as the beat jobs and the workspace:

    manage.py webhealth check [--organ SLUG]   # queue a link-check run of each active site (of one organ)
    manage.py webhealth probe                  # one availability probe of every key public page
    manage.py webhealth warn                   # the veto-risk warnings of today
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.errors import DomainError
from gongkai.organs.models import Organ
from gongkai.webhealth import services, watch
from gongkai.webhealth.models import Run


class Command(BaseCommand):
    help = "Link checks, availability probes and veto-risk warnings (website health)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "probe", "warn"])
        parser.add_argument("--organ", help="web address name of one organ (check only)")

    def handle(self, *args, action: str, organ: str | None = None, **options):
        if action == "probe":
            rows = watch.probe()
            self.stdout.write(f"probed {len(rows)} pages, {sum(1 for r in rows if not r.ok)} failed")
            return
        if action == "warn":
            self.stdout.write(f"warned of {watch.warn()} risks")
            return
        organs = Organ.objects.active()
        if organ:
            organs = organs.filter(slug=organ)
            if not organs.exists():
                raise CommandError(f"no active organ with the web address name {organ!r}")
        for one in organs.order_by("path"):
            for site in services.sites_of(one):
                try:
                    run = services.request_run(site, by=None)
                except DomainError as error:
                    self.stdout.write(f"{site.start_url}: {error.message}")
                    continue
                run = Run.objects.get(pk=run.pk)
                self.stdout.write(f"{site.start_url}: run {run.pk} {run.state}, {run.broken_count} broken, "
                                  f"{run.new_count} new, {run.fixed_count} fixed")
