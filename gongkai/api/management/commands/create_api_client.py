"""create_api_client --organ SLUG --user USERNAME --name NAME: issue a key for an OA system."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongkai.credentials.models import Credential, Purpose
from gongkai.organs.models import Organ


class Command(BaseCommand):
    help = "Issue an API key for an organ's OA system (printed once)."

    def add_arguments(self, parser):
        parser.add_argument("--organ", required=True)
        parser.add_argument("--user", required=True, help="The person the key acts for.")
        parser.add_argument("--name", required=True, help="Which system uses the key.")

    def handle(self, *args, organ, user, name, **options):
        try:
            organ_obj = Organ.objects.get(slug=organ)
        except Organ.DoesNotExist:
            raise CommandError(_("There is no organ “%(slug)s”.") % {"slug": organ}) from None
        user_obj = get_user_model().objects.filter(username=user, is_active=True).first()
        if user_obj is None:
            raise CommandError(_("There is no active user “%(name)s”.") % {"name": user})
        _credential, key = Credential.issue(name=name, purpose=Purpose.OA_PUSH, organ=organ_obj, user=user_obj)
        self.stdout.write(key)
