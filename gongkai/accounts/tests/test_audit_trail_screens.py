"""The audit administrator's screens: the whole trail filtered, paged and exported (text cells only)."""

import csv
import io

import openpyxl
import pytest

from gongkai.core.audit import log_action
from gongkai.core.models import AuditEvent
from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail():
    city, town = OrganFactory(name="某市人民政府"), OrganFactory(name="某镇人民政府")
    clerk = UserFactory(username="clerk1", full_name="王五")
    for n in range(60):
        log_action(city, "catalogue.item_published", by=clerk, organ=city, data={"n": n})
    log_action(town, "applications.registered", by=None, organ=town, reason="来信")
    evil = UserFactory(username="evil", full_name='=HYPERLINK("http://x","点击")')
    log_action(town, "catalogue.item_changed", by=evil, organ=town, reason="+cmd|' /C calc'!A0")
    return city, town, clerk


def test_the_audit_administrator_reads_the_whole_trail_page_by_page(client, auditadmin, trail):
    client.force_login(auditadmin)
    first = client.get("/workspace/audit/trail/")
    assert first.status_code == 200
    events = first.context["events"]
    assert len(events) == 50 and [e.action for e in events[:2]] == ["accounts.logged_in", "catalogue.item_changed"]
    older = client.get(f"/workspace/audit/trail/?before={first.context['next_before']}")
    assert len(older.context["events"]) == AuditEvent.objects.count() - 50
    assert older.context["next_before"] is None


def test_filters(client, auditadmin, trail):
    city, town, clerk = trail
    client.force_login(auditadmin)

    def shown(**query):
        response = client.get("/workspace/audit/trail/", query)
        assert response.status_code == 200
        return response.context["events"]

    assert {e.organ_id for e in shown(organ=town.pk)} == {town.pk}
    assert {e.actor_id for e in shown(actor="clerk1")} == {clerk.pk}
    assert {e.action for e in shown(action="applications.")} == {"applications.registered"}
    assert {e.target_repr for e in shown(target="某镇")} == {town.name}
    assert shown(date_from="2000-01-01", date_to="2000-01-02") == []
    assert len(shown(date_from="2000-01-01")) == 50
    bad = client.get("/workspace/audit/trail/", {"date_from": "2026-02-02", "date_to": "2026-01-01"})
    assert bad.status_code == 200 and "date_to" in bad.context["form"].errors


def test_the_csv_export_has_no_live_formulas(client, auditadmin, trail):
    client.force_login(auditadmin)
    response = client.get("/workspace/audit/trail/export.csv", {"organ": trail[1].pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "时间" and len(rows) == 3
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(\"http://x\",\"点击\")" in cells and "'+cmd|' /C calc'!A0" in cells


def test_the_xlsx_export_is_text_only(client, auditadmin, trail):
    client.force_login(auditadmin)
    response = client.get("/workspace/audit/trail/export.xlsx", {"action": "catalogue.item_changed"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    assert all(cell.data_type == "s" for cell in rows[0])
    assert rows[0][1].value == '=HYPERLINK("http://x","点击")'


def test_an_export_is_itself_recorded(client, auditadmin, trail):
    client.force_login(auditadmin)
    b"".join(client.get("/workspace/audit/trail/export.csv", {"action": "applications."}).streaming_content)
    event = AuditEvent.objects.get(action="accounts.audit_exported")
    assert event.actor == auditadmin and event.data == {"format": "csv", "filters": {"action": "applications."}}


def test_others_may_not_read_the_whole_trail(client, sysadmin, secadmin, trail):
    city = trail[0]
    for person in (sysadmin, secadmin, member(city, Role.DISCLOSURE_OFFICE), member(city, Role.CLERK)):
        client.force_login(person)
        for path in ("/workspace/audit/trail/", "/workspace/audit/trail/export.csv", "/workspace/audit/trail/export.xlsx"):
            assert client.get(path).status_code == 403, (person.username, path)
    assert not AuditEvent.objects.filter(action="accounts.audit_exported").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/workspace/audit/trail/", "/workspace/audit/trail/export.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_unknown_export_format_is_not_found(client, auditadmin):
    client.force_login(auditadmin)
    assert client.get("/workspace/audit/trail/export.pdf").status_code == 404
