"""Separation of duties (三员分立): the system, security and audit administrators each do their own work in the
admin site and none can do another's; none of them reads an organ's records; daily work needs no superuser."""

import pytest

from gongkai.accounts.models import AdminRole, User
from gongkai.core.audit import log_action
from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db

SYSTEM_PAGES = ["/admin/organs/organ/", "/admin/organs/department/", "/admin/signoff/chain/",
                "/admin/workdays/calendaryear/", "/admin/catalogue/category/", "/admin/sensitive/sensitiveword/",
                "/admin/letters/lettertemplate/"]
SECURITY_PAGES = ["/admin/accounts/user/", "/admin/organs/membership/", "/admin/credentials/credential/",
                  "/admin/axes/accessattempt/", "/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"]
AUDIT_PAGES = ["/admin/core/auditevent/", "/admin/axes/accesslog/"]
RECORD_PAGES = ["/admin/catalogue/item/", "/admin/applications/application/", "/admin/signoff/signoff/"]


@pytest.mark.parametrize("role, own", [
    (AdminRole.SYSTEM, SYSTEM_PAGES), (AdminRole.SECURITY, SECURITY_PAGES), (AdminRole.AUDIT, AUDIT_PAGES)])
def test_each_administrator_reaches_their_own_pages_only(client, role, own):
    admin = UserFactory(admin_role=role)
    assert admin.is_staff
    client.force_login(admin)
    for path in own:
        assert client.get(path).status_code == 200, path
    for path in set(SYSTEM_PAGES + SECURITY_PAGES + AUDIT_PAGES + RECORD_PAGES) - set(own):
        assert client.get(path).status_code == 403, (role, path)


def test_the_system_administrator_configures_an_organ_without_seeing_its_people(client, sysadmin):
    organ = OrganFactory()
    member(organ, Role.CLERK)
    client.force_login(sysadmin)
    page = client.get(f"/admin/organs/organ/{organ.pk}/change/")
    assert page.status_code == 200
    assert "memberships-TOTAL_FORMS" not in page.content.decode()
    assert client.get("/admin/organs/organ/add/").status_code == 200


def test_the_security_administrator_cannot_make_anyone_superuser_or_administrator(client, secadmin):
    person = UserFactory()
    client.force_login(secadmin)
    page = client.get(f"/admin/accounts/user/{person.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "is_superuser" not in form.fields and "admin_role" not in form.fields and "groups" not in form.fields
    data = {"username": person.username, "full_name": person.full_name, "email": person.email, "is_active": "on",
            "is_superuser": "on", "admin_role": AdminRole.AUDIT, "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
            "last_login_0": "", "last_login_1": ""}
    client.post(f"/admin/accounts/user/{person.pk}/change/", data)
    person.refresh_from_db()
    assert not person.is_superuser and person.admin_role == ""


def test_the_security_administrator_cannot_touch_a_superuser(client, secadmin):
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(secadmin)
    assert client.get(f"/admin/accounts/user/{root.pk}/change/").status_code == 302  # "does not exist"
    assert client.post(f"/admin/accounts/user/{root.pk}/password/", {
        "password1": "Take#over42", "password2": "Take#over42"}).status_code == 404  # a user it may not see
    root.refresh_from_db()
    assert not root.check_password("Take#over42")


def test_the_security_administrator_grants_roles_in_organs(client, secadmin):
    organ = OrganFactory()
    person = UserFactory()
    client.force_login(secadmin)
    response = client.post("/admin/organs/membership/add/", {
        "user": person.pk, "organ": organ.pk, "role": Role.CLERK, "is_active": "on"})
    assert response.status_code == 302
    assert person.memberships.filter(organ=organ, role=Role.CLERK).exists()


def test_the_audit_administrator_only_reads(client, auditadmin):
    event = log_action(OrganFactory(), "test.done", by=None)
    client.force_login(auditadmin)
    assert client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditevent/{event.pk}/change/", {"reason": "edited"}).status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("role", list(AdminRole))
def test_no_administrator_reads_an_organs_records_in_the_workspace(client, role):
    client.force_login(UserFactory(admin_role=role))
    for path in ("/workspace/", "/workspace/items/", "/workspace/applications/", "/workspace/audit/"):
        assert client.get(path).status_code == 403, (role, path)


@pytest.mark.parametrize("role, start", [
    (AdminRole.SYSTEM, "/admin/"), (AdminRole.SECURITY, "/admin/"), (AdminRole.AUDIT, "/workspace/audit/trail/")])
def test_each_administrator_lands_at_their_own_screen(client, role, start):
    client.force_login(UserFactory(admin_role=role))
    assert client.get("/accounts/start/")["Location"] == start


def test_clerks_have_no_admin_site(client):
    client.force_login(member(OrganFactory(), Role.CLERK))
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_administrator_role_is_one_per_person():
    field = User._meta.get_field("admin_role")
    assert not field.many_to_many and {c for c, _label in field.choices} == set(AdminRole.values)


def test_the_system_administrator_requires_the_second_factor_of_an_organ(client, sysadmin):
    organ = OrganFactory()
    client.force_login(sysadmin)
    page = client.get(f"/admin/organs/organ/{organ.pk}/change/")
    assert "require_second_factor" in page.context["adminform"].form.fields


def test_nobody_deletes_the_sign_in_records_a_superuser_neither(client, auditadmin):
    from axes.models import AccessFailureLog, AccessLog
    from django.utils import timezone

    now = timezone.now()
    log = AccessLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x", attempt_time=now)
    failure = AccessFailureLog.objects.create(username="someone", ip_address="10.0.0.1", user_agent="x",
                                              attempt_time=now, locked_out=False)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    for person in (root, auditadmin):
        client.force_login(person)
        for path in (f"/admin/axes/accesslog/{log.pk}/delete/", f"/admin/axes/accessfailurelog/{failure.pk}/delete/"):
            assert client.get(path).status_code == 403, (person, path)
            assert client.post(path, {"post": "yes"}).status_code == 403, (person, path)
        assert client.get(f"/admin/axes/accesslog/{log.pk}/change/").status_code == 200
    assert AccessLog.objects.filter(pk=log.pk).exists() and AccessFailureLog.objects.filter(pk=failure.pk).exists()
