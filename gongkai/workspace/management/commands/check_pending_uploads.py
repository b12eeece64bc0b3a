"""check_pending_uploads: check again every uploaded file still in quarantine.

A file waits in quarantine when clamd could not be reached while its check ran. With a broker,
Celery beat runs the same work every 10 minutes; without one, run this from cron."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Scan and read every catalogue and application attachment still waiting for its check."

    def handle(self, *args, **options):
        from gongkai.applications.models import ApplicationAttachment
        from gongkai.applications.services import check_attachment as check_application_file
        from gongkai.catalogue.models import Attachment
        from gongkai.catalogue.services import check_attachment as check_catalogue_file
        from gongkai.core.models import FileCheck
        from gongkai.core.virus_scan import ScannerUnavailable

        results: dict[str, int] = {}
        for model, check in ((Attachment, check_catalogue_file), (ApplicationAttachment, check_application_file)):
            for pk in model.objects.filter(check_state=FileCheck.PENDING).values_list("pk", flat=True):
                try:
                    state = check(pk)
                except ScannerUnavailable as error:
                    self.stderr.write(f"clamd unavailable: {error}")
                    return
                results[state] = results.get(state, 0) + 1
        self.stdout.write(", ".join(f"{state}: {count}" for state, count in sorted(results.items())) or "none pending")
