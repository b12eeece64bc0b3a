import pytest

from gongkai.catalogue.models import IndexCounter
from gongkai.factories import OrganFactory
from gongkai.organs import serials

pytestmark = pytest.mark.django_db


def test_serials_are_taken_one_after_another_from_a_counter_created_on_first_use():
    organ = OrganFactory()
    assert [serials.take(IndexCounter, organ.pk, 2026) for _ in range(3)] == [1, 2, 3]
    assert serials.take(IndexCounter, organ.pk, 2027) == 1


def test_a_block_of_serials_ends_at_the_returned_one():
    organ = OrganFactory()
    serials.take(IndexCounter, organ.pk, 2026)
    assert serials.take(IndexCounter, organ.pk, 2026, count=5) == 6
    assert serials.take(IndexCounter, organ.pk, 2026) == 7


def test_raising_a_counter_never_lowers_it():
    organ = OrganFactory()
    serials.raise_to(IndexCounter, organ.pk, 2026, 40)
    serials.raise_to(IndexCounter, organ.pk, 2026, 10)
    assert serials.take(IndexCounter, organ.pk, 2026) == 41
