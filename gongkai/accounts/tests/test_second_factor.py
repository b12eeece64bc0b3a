"""The second factor (TOTP): required for superusers, the three administrators and the staff of organs that ask for
it; enrolment with a QR code drawn locally; recovery codes shown once; the admin site needs it too."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.tests.conftest import sign_in
from gongkai.core.models import AuditEvent
from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]


def code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def enrol(client) -> TOTPDevice:
    page = client.get("/accounts/second-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/accounts/second-factor/setup/", {"token": code(device)})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/recovery-codes/")
    device.refresh_from_db()
    return device


def test_a_superuser_must_enrol_before_anything_else(client):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in(client, "root")
    for path in ("/admin/", "/workspace/", "/accounts/password/change/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/setup/"), path


def test_enrolment_shows_a_local_qr_code_and_then_recovery_codes_once(client, sysadmin):
    sign_in(client, "sysadmin")
    page = client.get("/accounts/second-factor/setup/").content.decode()
    assert "<svg" in page and "otpauth" not in page.split("<svg", 1)[0].lower()
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org/2000/svg", "")
    device = enrol(client)
    assert device.confirmed
    codes_page = client.get("/accounts/second-factor/recovery-codes/").content.decode()
    codes = list(StaticDevice.objects.get(user=sysadmin).token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(c in codes_page for c in codes)
    again = client.get("/accounts/second-factor/recovery-codes/").content.decode()
    assert not any(c in again for c in codes)  # shown once
    assert client.get("/admin/").status_code == 200
    actions = set(AuditEvent.objects.filter(actor=sysadmin).values_list("action", flat=True))
    assert {"accounts.second_factor_enrolled", "accounts.recovery_codes_issued"} <= actions


def test_a_wrong_enrolment_code_confirms_nothing(client, secadmin):
    sign_in(client, "secadmin")
    client.get("/accounts/second-factor/setup/")
    device = TOTPDevice.objects.get()
    wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
    response = client.post("/accounts/second-factor/setup/", {"token": wrong})
    assert response.status_code == 200 and "token" in response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/admin/").status_code == 302


def test_the_next_sign_in_asks_for_the_code_and_a_wrong_code_is_audited(client, auditadmin):
    sign_in(client, "auditadmin")
    device = enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, "auditadmin")
    response = client.get("/workspace/audit/trail/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/?next=")
    wrong = f"{(int(code(device)) + 500000) % 1000000:06d}"
    page = client.post("/accounts/second-factor/", {"token": wrong, "next": "/workspace/audit/trail/"})
    assert page.status_code == 200 and "验证码不正确" in page.content.decode()
    event = AuditEvent.objects.get(action="accounts.second_factor_failed")
    assert event.actor == auditadmin and event.data["ip"] == "127.0.0.1"
    assert client.get("/workspace/audit/trail/").status_code == 302


def test_a_recovery_code_works_once(client, secadmin):
    sign_in(client, "secadmin")
    enrol(client)
    recovery = StaticDevice.objects.get(user=secadmin).token_set.first().token
    client.post("/accounts/logout/")
    sign_in(client, "secadmin")
    response = client.post("/accounts/second-factor/", {"token": recovery, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")
    sign_in(client, "secadmin")
    StaticDevice.objects.filter(user=secadmin).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/accounts/second-factor/", {"token": recovery})
    assert response.status_code == 200  # used up


def test_an_organ_can_require_it_of_its_staff(client):
    organ = OrganFactory(require_second_factor=True)
    clerk = member(organ, Role.CLERK)
    client.force_login(clerk)
    assert client.get("/workspace/")["Location"].startswith("/accounts/second-factor/setup/")


def test_other_staff_may_go_without(client):
    clerk = member(OrganFactory(), Role.CLERK)
    client.force_login(clerk)
    assert client.get("/workspace/").status_code == 200


def test_the_second_factor_pages_need_a_signed_in_person(client):
    for path in ("/accounts/second-factor/", "/accounts/second-factor/setup/", "/accounts/second-factor/recovery-codes/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_recovery_codes_need_a_confirmed_sign_in(client, sysadmin):
    sign_in(client, "sysadmin")
    assert client.get("/accounts/second-factor/recovery-codes/").status_code == 403
    assert client.post("/accounts/second-factor/recovery-codes/").status_code == 403
    assert not StaticDevice.objects.exists()


def test_a_new_device_needs_the_old_one_first(client, sysadmin):
    sign_in(client, "sysadmin")
    enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, "sysadmin")
    response = client.get("/accounts/second-factor/setup/")
    assert response.status_code == 302 and response["Location"] == "/accounts/second-factor/"


def test_the_security_administrator_resets_a_lost_device(client, secadmin, sysadmin):
    device = TOTPDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    client.force_login(secadmin)
    # (the security administrator's own second factor is off for this client: force_login, verified below)
    from django_otp import DEVICE_ID_SESSION_KEY

    own = TOTPDevice.objects.create(user=secadmin, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = own.persistent_id
    session.save()
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_reset")
    assert event.actor == secadmin and event.target_id == str(sysadmin.pk)


def test_someone_who_enrolled_of_their_own_accord_is_asked_for_it(client):
    from gongkai.accounts.tests.conftest import PASSWORD

    clerk = member(OrganFactory(), Role.CLERK)
    client.force_login(clerk)
    assert client.get("/accounts/security/").status_code == 200
    enrol(client)
    client.post("/accounts/logout/")
    sign_in(client, clerk.username, PASSWORD)
    assert client.get("/workspace/")["Location"].startswith("/accounts/second-factor/?next=")
