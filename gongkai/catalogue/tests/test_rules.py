"""One rule for a repealed or expired item, asked by the form, the API and the importer alike."""

import datetime as dt
import io

import pytest
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from gongkai.catalogue.forms import ItemForm
from gongkai.catalogue.importing import run_import
from gongkai.catalogue.models import Item, Validity
from gongkai.catalogue.services import validity_errors
from gongkai.catalogue.services.rules import MISSING, TITLE_TOO_LONG, check_row
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


# --- one bad row, three ways in, one message ------------------------------------------------------------------------

TOMORROW = (dt.date.today() + dt.timedelta(days=2)).isoformat()
ROW = {"title": "关于印发某办法的通知", "date_formed": "2024-01-02", "topic": "工业", "category": "TZGG", "validity": "in_force",
       "validity_note": "", "validity_changed_on": ""}
VALIDITY_WORD = {"in_force": "有效", "repealed": "废止"}


def _form_errors(office, row: dict) -> dict:
    from gongkai.catalogue.models import Category, Topic

    topic, category = Topic.objects.filter(name=row["topic"]).first(), Category.objects.filter(code=row["category"]).first()
    data = {**{k: v for k, v in item_data().items() if v is not None}, "title": row["title"], "date_formed": row["date_formed"],
            "topic": topic.pk if topic else "", "category": category.pk if category else "", "validity": row["validity"],
            "validity_note": row["validity_note"], "validity_changed_on": row["validity_changed_on"]}
    form = ItemForm({k: getattr(v, "pk", v) for k, v in data.items()}, organ=office.organ)
    assert not form.is_valid()
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def _api_errors(office, row: dict) -> dict:
    _client, key = Credential.issue(name="OA", purpose=Purpose.OA_PUSH, organ=office.organ, user=office.webadmin)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    from gongkai.catalogue.models import Topic

    topic = Topic.objects.filter(name=row["topic"]).first()  # the API takes a topic's code
    data = {k: v for k, v in row.items() if v != ""} | {"title": row["title"], "topic": topic.code if topic else row["topic"],
                                                          "category": row["category"]}
    response = api.post("/api/oa/items/", data, format="json")
    assert response.status_code == 400
    return response.json()


def _import_messages(office, row: dict) -> list[str]:
    header = "标题,成文日期,发布日期,主题分类,信息类别,有效性,废止说明,废止日期\n"
    cells = [row["title"], row["date_formed"], "2024-01-05", row["topic"], row["category"], VALIDITY_WORD[row["validity"]],
             row["validity_note"], row["validity_changed_on"]]
    report = run_import(io.BytesIO((header + ",".join(cells) + "\n").encode()), organ=office.organ, by=office.webadmin)
    assert not report.ok
    return report.errors[0].messages


def _in_import(field: str, message: str) -> str:
    from gongkai.catalogue.importing.columns import COLUMN_LABELS

    return _("%(column)s: %(message)s") % {"column": COLUMN_LABELS[field], "message": message}


@pytest.mark.usefixtures("taxonomy")
@pytest.mark.parametrize(("bad", "field", "message"), [
    ({"title": ""}, "title", lambda: str(MISSING["title"])),
    ({"title": "长" * 301}, "title", lambda: str(TITLE_TOO_LONG) % {"limit_value": 300}),
    ({"date_formed": TOMORROW}, "date_formed", lambda: _("The date formed cannot be in the future.")),
    ({"topic": ""}, "topic", lambda: str(MISSING["topic"])),
    ({"category": ""}, "category", lambda: str(MISSING["category"])),
    ({"validity": "repealed", "validity_changed_on": "2024-02-01"}, "validity_note",
     lambda: _("Explain the repeal or expiry; the public sees this explanation.")),
    ({"validity": "repealed", "validity_note": "被新办法替代"}, "validity_changed_on",
     lambda: _("Enter the date it was repealed or expired.")),
], ids=["no title", "title too long", "formed in the future", "no topic", "no category", "repealed unexplained",
        "repealed undated"])
def test_the_same_bad_row_gets_the_same_message_from_the_form_the_api_and_the_importer(bad, field, message):
    office = Office()
    row = {**ROW, **bad}
    expected = message()
    assert _form_errors(office, row)[field] == [expected]
    if len(row["title"]) <= 300:  # the API's own length limit is stated in its schema (maxLength), in DRF's words
        assert _api_errors(office, row)[field] == [expected]
    assert _in_import(field, expected) in _import_messages(office, row)


@pytest.mark.usefixtures("taxonomy")
def test_an_unknown_topic_gets_the_same_message_from_the_api_and_the_importer():
    office = Office()
    row = {**ROW, "topic": "9999"}
    expected = _("There is no topic “%(value)s”.") % {"value": "9999"}
    assert _api_errors(office, row)["topic"] == [expected]
    assert _in_import("topic", expected) in _import_messages(office, row)


@pytest.mark.usefixtures("taxonomy")
def test_the_importer_checks_the_order_of_its_dates_with_the_shared_rule():
    office = Office()
    header = "标题,成文日期,发布日期,主题分类,信息类别\n"
    report = run_import(io.BytesIO((header + "办法,2024-03-01,2024-02-01,工业,TZGG\n").encode()), organ=office.organ,
                        by=office.webadmin)
    assert report.errors[0].messages == [_in_import("date_formed", _("The date formed is after the date published."))]
    assert check_row({**ROW, "date_formed": dt.date(2024, 3, 1), "published_at": dt.date(2024, 2, 1), "topic": object(),
                      "category": object()}, today=dt.date(2025, 1, 1)) == {
        "date_formed": _("The date formed is after the date published.")}
