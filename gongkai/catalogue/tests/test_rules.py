"""One rule for a repealed or expired item, asked by the form, the API and the importer alike."""

import pytest
from rest_framework.test import APIClient

from gongkai.catalogue.forms import ItemForm
from gongkai.catalogue.importing import run_import
from gongkai.catalogue.models import Item, Validity
from gongkai.catalogue.services import validity_errors
from gongkai.catalogue.tests.factories import Office, item_data
from gongkai.catalogue.tests.test_importer import GOOD, HEADER, csv_file
from gongkai.credentials.models import Credential, Purpose

pytestmark = pytest.mark.django_db


def test_the_rule_asks_a_repealed_item_for_its_date_and_explanation():
    assert validity_errors(Validity.IN_FORCE, changed_on=None, note="") == {}
    assert set(validity_errors(Validity.REPEALED, changed_on=None, note=" ")) == {"validity_changed_on", "validity_note"}
    assert set(validity_errors(Validity.EXPIRED, changed_on="2024-01-01", note="到期")) == set()
    assert set(validity_errors(Validity.REPEALED, changed_on=None, note="替代", date_asked=False)) == set()


def test_the_form_refuses_a_repealed_item_without_date_and_explanation():
    office = Office()
    data = {k: v for k, v in item_data(validity=Validity.REPEALED).items() if v is not None}
    data = {k: getattr(v, "pk", v) for k, v in data.items()}
    form = ItemForm(data, organ=office.organ)
    assert not form.is_valid()
    assert {"validity_changed_on", "validity_note"} <= set(form.errors)


def test_the_api_refuses_a_repealed_item_without_date_and_explanation():
    office = Office()
    _client, key = Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=office.organ, user=office.webadmin)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    data = {"title": "办法", "topic": "0101", "category": "GFXWJ", "date_formed": "2024-01-02", "validity": "repealed"}
    response = api.post("/api/oa/items/", data, format="json")
    assert response.status_code == 400
    assert {"validity_changed_on", "validity_note"} <= set(response.json())
    assert not Item.objects.exists()


@pytest.mark.usefixtures("taxonomy")
def test_the_importer_asks_for_the_date_when_the_file_has_a_column_for_it(organ, user):
    header = HEADER.rstrip("\n") + ",废止说明,废止日期\n"
    report = run_import(csv_file(GOOD.replace(",有效,", ",废止,") + ",,", header=header), organ=organ, by=user)
    messages = report.errors[0].messages
    assert any("废止日期" in m for m in messages) and any("废止说明" in m for m in messages)
    report = run_import(csv_file(GOOD.replace(",有效,", ",废止,") + ",被替代,2024-05-01", header=header), organ=organ, by=user)
    assert report.ok


@pytest.mark.usefixtures("taxonomy")
def test_the_importer_spares_the_date_when_the_file_has_no_column_for_it(organ, user):
    header = HEADER.rstrip("\n") + ",废止说明\n"
    report = run_import(csv_file(GOOD.replace(",有效,", ",废止,") + ",被替代", header=header), organ=organ, by=user)
    assert report.ok
