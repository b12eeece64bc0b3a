"""Applicants' personal data: encrypted at rest, blind-index lookups, masked by role, unmasked only with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from gongkai.applications import privacy
from gongkai.applications.models import Application
from gongkai.applications.tests.factories import VALID_ID, received
from gongkai.core import crypto
from gongkai.core.models import AuditEvent
from gongkai.core.reencrypt import application_columns, rewrite_table
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db

PLAIN = {"id_number": VALID_ID, "phone": "13812345678", "email": "zhangsan@example.com", "address": "某市人民路2号"}


def _raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, email, address, id_number_bidx, phone_bidx FROM applications_application "
                       "WHERE id = %s", [pk])
        return cursor.fetchone()


def test_the_table_holds_ciphertext_only(organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    row = _raw_row(application.pk)
    for stored, plain in zip(row[:4], PLAIN.values(), strict=True):
        assert stored.startswith("gk1$aes$") and plain not in stored and plain[:6] not in stored
    assert row[4] == crypto.blind_index(VALID_ID, purpose="id_number") and row[5] == crypto.blind_index("13812345678", purpose="phone")
    fresh = Application.objects.get(pk=application.pk)
    assert {name: getattr(fresh, name) for name in PLAIN} == PLAIN


def test_no_lookup_on_an_encrypted_column(organ):
    with pytest.raises(FieldError):
        list(Application.objects.filter(id_number=VALID_ID))
    with pytest.raises(FieldError):
        list(Application.objects.filter(phone__icontains="138"))


def test_a_repeat_application_is_found_by_the_blind_index(organ, clerk, recent_workday):
    first = received(organ, on=recent_workday, by=clerk)
    again = received(organ, on=recent_workday, by=clerk, id_number=VALID_ID.lower())
    other = received(organ, on=recent_workday, by=clerk, id_number="110101199003072674")
    assert again.possible_duplicate_of_id == first.pk
    assert other.possible_duplicate_of_id is None


def test_staff_find_an_application_by_whole_phone_or_id_number(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    url = reverse("applications_ws:queue")
    for query in ("138-1234-5678", VALID_ID):
        assert application.tracking_number in client.get(url, {"q": query, "view": "all"}).content.decode()
    assert application.tracking_number not in client.get(url, {"q": "13900000000", "view": "all"}).content.decode()


def test_migration_step_encrypts_plaintext_rows_idempotently_and_reverses(organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    table, columns, blind = application_columns()
    with connection.cursor() as cursor:  # a row as it was before encryption
        cursor.execute("UPDATE applications_application SET id_number = %s, phone = %s, email = %s, address = %s, "
                       "id_number_bidx = '', phone_bidx = '' WHERE id = %s", [*PLAIN.values(), application.pk])
    assert rewrite_table(connection, table, columns, blind=blind).rows_changed == 1
    encrypted = _raw_row(application.pk)
    assert all(value.startswith("gk1$") for value in encrypted[:4]) and encrypted[4]
    assert rewrite_table(connection, table, columns, blind=blind).rows_changed == 0
    assert _raw_row(application.pk) == encrypted
    rewrite_table(connection, table, columns, blind=blind, mode="decrypt")
    assert list(_raw_row(application.pk)[:4]) == list(PLAIN.values())


def test_rotation_moves_every_value_to_the_new_key(organ, clerk, recent_workday, settings):
    old, new = crypto.new_key(), crypto.new_key()
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = f"k1:{old}", crypto.new_key()
    application = received(organ, on=recent_workday, by=clerk)
    assert all(crypto.key_id_of(v) == "k1" for v in _raw_row(application.pk)[:4])
    settings.FIELD_ENCRYPTION_KEYS = f"k2:{new},k1:{old}"
    assert Application.objects.get(pk=application.pk).phone == PLAIN["phone"]  # old key still decrypts
    from django.core.management import call_command

    call_command("rotate_encryption_key", "--batch", "1")
    assert all(crypto.key_id_of(v) == "k2" for v in _raw_row(application.pk)[:4])
    settings.FIELD_ENCRYPTION_KEYS = f"k2:{new}"  # the old key can go
    fresh = Application.objects.get(pk=application.pk)
    assert {name: getattr(fresh, name) for name in PLAIN} == PLAIN


# --- screens -----------------------------------------------------------------------------------------------------------

def _page(client, user, application):
    client.force_login(user)
    return client.get(reverse("applications_ws:detail", args=[application.pk]))


def test_handlers_see_it_partly_masked_and_each_opening_is_audited(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    before = AuditEvent.objects.filter(action=privacy.READ_ACTION).count()
    page = _page(client, clerk, application).content.decode()
    assert "1101**********002X" in page and "138****5678" in page and "z***@example.com" in page and "某市****" in page
    for plain in PLAIN.values():
        assert plain not in page
    read = AuditEvent.objects.filter(action=privacy.READ_ACTION).latest("seq")
    assert AuditEvent.objects.filter(action=privacy.READ_ACTION).count() == before + 1
    assert read.actor == clerk and read.target_id == str(application.pk)


def test_the_supervising_office_sees_only_that_values_exist(client, recent_workday):
    government = GovernmentFactory()
    organ = OrganFactory(parent=government)
    city_office = member(government, Role.DISCLOSURE_OFFICE)
    application = received(organ, on=recent_workday)
    page = _page(client, city_office, application).content.decode()
    assert "******" in page and "1101" not in page and "138" not in page.split("personal-phone")[1][:40]
    assert "Show the personal data in full" not in page and "显示完整个人信息" not in page
    client.force_login(city_office)
    refused = client.post(reverse("applications_ws:action", args=[application.pk, "unmask"]), {"reason": "核对身份信息"})
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action=privacy.UNMASK_ACTION).exists()


def test_unmask_needs_a_reason_and_is_audited_with_it(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    client.force_login(clerk)
    url = reverse("applications_ws:action", args=[application.pk, "unmask"])
    refused = client.post(url, {"reason": " "})
    assert refused.status_code == 400 and VALID_ID not in refused.content.decode()
    assert not AuditEvent.objects.filter(action=privacy.UNMASK_ACTION).exists()
    shown = client.post(url, {"reason": "电话核实申请人身份"})
    assert shown.status_code == 200 and shown["Cache-Control"].startswith("no-store")
    body = shown.content.decode()
    for plain in PLAIN.values():
        assert plain in body
    event = AuditEvent.objects.get(action=privacy.UNMASK_ACTION)
    assert event.reason == "电话核实申请人身份" and event.actor == clerk
    assert VALID_ID not in _page(client, clerk, application).content.decode()  # once only


def test_a_leader_of_the_organ_may_not_unmask(client, organ, clerk, recent_workday):
    application = received(organ, on=recent_workday, by=clerk)
    leader = member(organ, Role.DEPUTY_LEADER)
    client.force_login(leader)
    response = client.post(reverse("applications_ws:action", args=[application.pk, "unmask"]), {"reason": "想看看完整信息"})
    assert response.status_code == 403


def test_a_notification_address_is_encrypted_and_listed_masked(organ, clerk, recent_workday):
    from gongkai.notify.models import Notification

    received(organ, on=recent_workday, by=clerk)
    rows = [n for n in Notification.objects.all() if n.address]
    assert rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notify_notification WHERE id = %s", [rows[0].pk])
        assert cursor.fetchone()[0].startswith("gk1$")
    assert rows[0].masked_address in ("z***@example.com", "138****5678")
