import pytest
from django.core.exceptions import PermissionDenied

from gongkai.factories import GovernmentFactory, OrganFactory, UserFactory, member
from gongkai.organs import permissions
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db


def test_a_role_counts_only_in_its_own_organ():
    bureau, other = OrganFactory(), OrganFactory()
    clerk = member(bureau, Role.CLERK)
    assert permissions.has_role(clerk, bureau, Role.CLERK)
    assert not permissions.has_role(clerk, other, Role.CLERK)


def test_one_person_may_hold_roles_in_several_organs():
    bureau, town = OrganFactory(), OrganFactory()
    person = member(bureau, Role.CLERK)
    member(town, Role.WEB_ADMIN, user=person)
    assert permissions.roles_in(person, bureau) == {Role.CLERK}
    assert permissions.roles_in(person, town) == {Role.WEB_ADMIN}


def test_require_role_refuses_with_a_message_naming_the_role():
    organ = OrganFactory()
    with pytest.raises(PermissionDenied, match="科室负责人|Department head"):
        permissions.require_role(member(organ, Role.CLERK), organ, Role.DEPARTMENT_HEAD)


def test_the_governments_disclosure_office_reads_every_organ_below():
    city = GovernmentFactory()
    bureau = OrganFactory(parent=city)
    elsewhere = OrganFactory()
    office = member(city, Role.DISCLOSURE_OFFICE)
    assert permissions.can_read_organ(office, bureau)
    assert not permissions.can_read_organ(office, elsewhere)
    assert set(permissions.readable_organs(office)) == {city, bureau}


def test_supervising_gives_no_role_in_the_organ_below():
    city = GovernmentFactory()
    bureau = OrganFactory(parent=city)
    office = member(city, Role.DISCLOSURE_OFFICE)
    assert not permissions.has_role(office, bureau, Role.DISCLOSURE_OFFICE)


def test_a_bureaus_disclosure_office_does_not_supervise_its_siblings():
    city = GovernmentFactory()
    bureau, sibling = OrganFactory(parent=city), OrganFactory(parent=city)
    assert not permissions.can_read_organ(member(bureau, Role.DISCLOSURE_OFFICE), sibling)


def test_an_anonymous_visitor_reads_nothing_internal():
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_read_organ(AnonymousUser(), OrganFactory())
    assert not permissions.readable_organs(AnonymousUser()).exists()


def test_a_deactivated_membership_gives_no_role():
    organ = OrganFactory()
    clerk = member(organ, Role.CLERK)
    clerk.memberships.update(is_active=False)
    permissions.forget(clerk)
    assert not permissions.has_role(clerk, organ, Role.CLERK)


def test_the_tree_path_puts_children_below_parents():
    city = GovernmentFactory()
    bureau = OrganFactory(parent=city)
    assert bureau.path.startswith(city.path)
    assert bureau.government == city
    assert list(bureau.ancestors()) == [city]


def test_a_superuser_reads_every_organ():
    admin = UserFactory(is_superuser=True)
    organ = OrganFactory()
    assert permissions.can_read_organ(admin, organ)


def test_an_organ_may_not_take_a_root_path_as_its_web_address():
    from django.core.exceptions import ValidationError

    organ = OrganFactory.build(slug="workspace")
    with pytest.raises(ValidationError) as error:
        organ.full_clean()
    assert "slug" in error.value.message_dict


def test_a_role_nobody_active_holds_is_reported_unheld():
    from gongkai.organs.models import Membership
    from gongkai.organs.permissions import role_is_held

    organ = OrganFactory()
    member(organ, Role.DEPARTMENT_HEAD)
    assert role_is_held(organ, Role.DEPARTMENT_HEAD)
    assert not role_is_held(organ, Role.PRINCIPAL_LEADER)
    Membership.objects.filter(organ=organ).update(is_active=False)
    assert not role_is_held(organ, Role.DEPARTMENT_HEAD)
