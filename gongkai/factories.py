"""Factories shared by every app's tests (organs, people, roles)."""

from __future__ import annotations

import factory

from gongkai.accounts.models import User
from gongkai.organs.models import Department, Membership, Organ, OrganKind, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organ

    name = factory.Sequence(lambda n: f"某市测试局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    slug = factory.Sequence(lambda n: f"organ{n}")
    code = factory.Sequence(lambda n: f"11440000{n:08d}")
    kind = OrganKind.DEPARTMENT
    office_name = "办公室"
    address = "某市人民路1号"
    office_hours = "工作日 9:00-12:00，14:00-17:30"
    phone = "0755-12345678"


class GovernmentFactory(OrganFactory):
    kind = OrganKind.GOVERNMENT
    name = factory.Sequence(lambda n: f"某市人民政府{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organ = factory.SubFactory(OrganFactory)
    name = factory.Sequence(lambda n: f"第{n}科")


def member(organ: Organ, *roles: str, user: User | None = None, department: Department | None = None) -> User:
    """A user holding ``roles`` in ``organ`` (a new user unless one is given)."""
    user = user or UserFactory()
    for role in roles or (Role.CLERK,):
        Membership.objects.create(user=user, organ=organ, role=role, department=department)
    if hasattr(user, "_gongkai_memberships"):
        del user._gongkai_memberships
    return user


def reseed_if_flushed():
    """Seed the migrations' rows again when a transactional test's flush has emptied them. Ordinary tests call it
    inside their own transaction; a module-scoped fixture that opens its own transaction must call it there too."""
    from gongkai.catalogue.models import Topic

    if not Topic.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("gongkai.catalogue.migrations.0003_seed_topics_categories_reasons").seed(apps, None)
        importlib.import_module("gongkai.catalogue.migrations.0011_category_statutory_group").file_seeded(apps, None)
    from gongkai.search.models import SynonymGroup

    if not SynonymGroup.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("gongkai.search.migrations.0003_starting_synonyms").add(apps, None)
