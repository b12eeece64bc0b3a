"""Print a new random key for FIELD_ENCRYPTION_KEYS or BLIND_INDEX_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongkai.core import crypto


class Command(BaseCommand):
    help = "Print a new random 32-byte key (base64url), e.g. for FIELD_ENCRYPTION_KEYS=<id>:<key> or BLIND_INDEX_KEY."

    def handle(self, *args, **options):
        self.stdout.write(crypto.new_key())
