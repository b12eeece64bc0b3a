"""The demo city is built through the real code paths."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.accounts.models import User
from gongkai.catalogue.models import Disclosure, Item, ItemState, Validity
from gongkai.core.models import AuditEvent
from gongkai.organs.models import Membership, Organ, OrganKind, Role
from gongkai.sensitive.models import Finding, FindingKind, FindingStatus
from gongkai.signoff.models import Signoff, SignoffStatus

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            from gongkai.factories import reseed_if_flushed

            reseed_if_flushed()
            call_command("load_demo", items=80, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def test_the_city_has_a_government_with_bureaus_and_towns(demo):
    city = Organ.objects.get(slug="city")
    assert city.kind == OrganKind.GOVERNMENT
    assert Organ.objects.filter(parent=city, kind=OrganKind.TOWN).exists()
    assert Organ.objects.get(slug="gxj").departments.exists()


def test_every_role_has_a_demo_person_with_the_documented_password(demo):
    for role in Role.values:
        membership = Membership.objects.filter(organ__slug="gxj", role=role).select_related("user").get()
        assert membership.user.check_password("Demo12345")
    assert User.objects.get(username="admin").is_superuser


def test_items_are_at_every_step_of_the_workflow(demo):
    states = set(Item.objects.values_list("state", flat=True))
    assert {ItemState.DRAFT, ItemState.IN_REVIEW, ItemState.RETURNED, ItemState.APPROVED, ItemState.PUBLISHED} <= states
    assert Signoff.objects.filter(status=SignoffStatus.PENDING).count() >= 4


def test_some_items_are_repealed_with_an_explanation(demo):
    repealed = Item.objects.filter(validity=Validity.REPEALED)
    assert repealed.exists()
    assert all(item.validity_note for item in repealed)


def test_policies_have_interpretations(demo):
    assert Item.objects.published().filter(interpretations__isnull=False).exists()


def test_the_sensitive_scan_flagged_items(demo):
    assert Finding.objects.filter(status=FindingStatus.OPEN).exists()


def test_the_flagged_item_has_an_id_number_a_mobile_number_and_a_bank_card(demo):
    kinds = set(Finding.objects.filter(status=FindingStatus.OPEN).values_list("kind", flat=True))
    assert {FindingKind.ID_NUMBER, FindingKind.MOBILE, FindingKind.BANK_CARD} <= kinds


def test_the_register_of_withheld_items_holds_both_attributes_with_reasons(demo):
    withheld = Item.objects.withheld()
    assert {Disclosure.ON_REQUEST, Disclosure.WITHHELD} <= set(withheld.values_list("disclosure", flat=True))
    assert all(item.withholding_reason.applies_to == item.disclosure and item.withholding_note for item in withheld)


def test_the_audit_trail_is_real(demo):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"catalogue.imported", "catalogue.submitted", "catalogue.published", "catalogue.validity_changed"} <= actions


def test_if_empty_leaves_a_database_with_organs_alone(demo):
    out = io.StringIO()
    count = Item.objects.count()
    call_command("load_demo", if_empty=True, stdout=out)
    assert Item.objects.count() == count


def test_without_if_empty_a_database_with_organs_is_refused(demo):
    with pytest.raises(CommandError):
        call_command("load_demo", stdout=io.StringIO())


def test_the_three_platform_administrators_are_there(demo):
    from gongkai.accounts.models import AdminRole

    for username, role in (("sysadmin", AdminRole.SYSTEM), ("secadmin", AdminRole.SECURITY), ("auditadmin", AdminRole.AUDIT)):
        user = User.objects.get(username=username)
        assert user.admin_role == role and user.is_staff and not user.is_superuser
        assert user.check_password("Demo12345") and not user.memberships.exists()


def test_every_organ_has_written_its_column_pages(demo):
    from gongkai.organs.models import ColumnText, Leader

    for organ in Organ.objects.all():
        assert ColumnText.objects.filter(organ=organ, kind="rules").exists(), organ
        assert Leader.objects.shown().filter(organ=organ).count() == 3, organ
    assert not Organ.objects.get(slug="gxj").departments.filter(duties="").exists()
