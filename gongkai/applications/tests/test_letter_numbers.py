"""Letters of a case: numbered per organ and year without gaps, addressed to the applicant's kind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gongkai.applications import letters, services
from gongkai.applications.tests.factories import organisation_data, person_data
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def organ():
    return OrganFactory(
        parent=GovernmentFactory(name="某市人民政府"), short_name="某政信", letter_number_format="{organ}公〔{year}〕{serial}号",
    )


def _case(organ, data):
    clerk = member(organ, Role.CLERK)
    application = services.submit_application(organ=organ, channel="web", data=data).application
    services.confirm_receipt(application, by=clerk)
    return application


def test_letters_are_numbered_per_organ_and_year_in_the_organs_format(organ):
    application = _case(organ, person_data())
    first = letters.make_letter(application, "receipt")
    second = letters.make_letter(application, "receipt")
    year = dt.date.today().year
    serial = int(first.number.split("〕")[1].removesuffix("号"))
    assert first.number == f"某政信公〔{year}〕{serial}号"
    assert second.number == f"某政信公〔{year}〕{serial + 1}号"
    assert second.text.splitlines()[1] == second.number  # under the title
    other = _case(OrganFactory(short_name="某教"), person_data())
    assert letters.make_letter(other, "receipt").number == f"某教依公〔{year}〕1号"  # each organ counts from 1


def test_a_rolled_back_letter_gives_its_number_back(organ):
    application = _case(organ, person_data())
    before = letters.make_letter(application, "receipt").number
    with pytest.raises(RuntimeError), transaction.atomic():
        letters.make_letter(application, "receipt")
        raise RuntimeError("the step failed")
    after = letters.make_letter(application, "receipt").number
    serial = int(before.split("〕")[1].removesuffix("号"))
    assert after.endswith(f"〕{serial + 1}号")


def test_a_person_is_addressed_as_you_and_an_organisation_as_your_organisation(organ):
    person = letters.make_letter(_case(organ, person_data()), "receipt")
    company = letters.make_letter(_case(organ, organisation_data()), "receipt")
    assert "您提出的政府信息公开申请已收到" in person.text
    assert "贵单位提出的政府信息公开申请已收到" in company.text
    assert "您（单位）" not in person.text + company.text


def test_the_letter_number_format_is_checked():
    from django.core.exceptions import ValidationError

    from gongkai.organs.models import validate_letter_number_format

    validate_letter_number_format("某政信公〔{year}〕{serial}号")
    for bad in ("某政信公〔{year}〕号", "{name}〔{year}〕{serial}号", "{serial"):
        with pytest.raises(ValidationError):
            validate_letter_number_format(bad)
