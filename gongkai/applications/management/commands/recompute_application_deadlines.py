"""Recompute every running application's deadlines from its facts and the calendar in force (idempotent;
each deadline that moves gets an audit row). Needed after an upgrade that changes a counting rule; a
calendar change recomputes by itself."""

from django.core.management.base import BaseCommand

from gongkai.applications.services import recompute_running


class Command(BaseCommand):
    help = "Recompute the deadlines of all running applications (audited, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reason", default="", help="Kept in the audit row of each deadline that moves.")

    def handle(self, *args, reason="", **options):
        changed = recompute_running(by="manage.py recompute_application_deadlines", reason=reason or "recomputed by an operator")
        self.stdout.write(f"deadlines changed: {changed}")
