import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.accounts.models import User
from gongkai.demo.builder import Builder
from gongkai.organs.models import Organ

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_under_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="GONGKAI_PRODUCTION=1"):
        call_command("load_demo", items=0, stdout=io.StringIO())
    with pytest.raises(RuntimeError):
        Builder(items=0).build()
    assert not Organ.objects.exists() and not User.objects.exists()


def test_the_demo_password_meets_the_policy():
    from django.contrib.auth.password_validation import validate_password

    from gongkai.demo.builder import PASSWORD

    for username in ("admin", "sysadmin", "gxj_clerk"):
        validate_password(PASSWORD, User(username=username))
