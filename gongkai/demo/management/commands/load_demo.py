from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Build the demo city (replaced by the full demo builder)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, **options):
        self.stdout.write("demo data: not built yet")
