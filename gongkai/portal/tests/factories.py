"""Factories for published catalogue items, so the portal and search tests
need not go through drafting and review (the catalogue services own that)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.catalogue.models import Attachment, Category, Disclosure, Item, ItemState, Topic, Validity
from gongkai.core.richtext import html_to_text
from gongkai.factories import OrganFactory


def author() -> User:
    """One author for every item: hashing a password per item would make
    the tests slow, and who drafted an item does not show on public pages."""
    user, _ = User.objects.get_or_create(username="portal-test-author", defaults={"full_name": "经办人"})
    return user


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"主题{n}")
    code = factory.Sequence(lambda n: f"T{n:04d}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"类别{n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")


class ItemFactory(factory.django.DjangoModelFactory):
    """A published, proactively disclosed item (unless told otherwise)."""

    class Meta:
        model = Item

    organ = factory.SubFactory(OrganFactory)
    title = factory.Sequence(lambda n: f"关于做好第{n}项工作的通知")
    body = "<p>各有关单位：现将有关事项通知如下。</p>"
    body_text = factory.LazyAttribute(lambda o: html_to_text(o.body))
    topic = factory.SubFactory(TopicFactory)
    category = factory.SubFactory(CategoryFactory)
    document_number = factory.Sequence(lambda n: f"某府办〔2024〕{n}号")
    date_formed = dt.date(2024, 3, 1)
    keywords = "通知"
    state = ItemState.PUBLISHED
    disclosure = Disclosure.ACTIVE
    validity = Validity.IN_FORCE
    index_year = 2024
    index_serial = factory.Sequence(lambda n: n + 1)
    index_number = factory.LazyAttribute(lambda o: f"{o.organ.code}/2024-{o.index_serial:05d}")
    published_at = factory.Sequence(lambda n: timezone.make_aware(dt.datetime(2024, 3, 5, 9, 0)) + dt.timedelta(hours=n))
    created_by = factory.LazyFunction(author)


class DraftFactory(ItemFactory):
    state = ItemState.DRAFT
    index_number = None
    index_serial = None
    index_year = None
    published_at = None


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    item = factory.SubFactory(ItemFactory)
    file = factory.django.FileField(filename="附件1.pdf", data=b"%PDF-1.4 test")
    name = "附件1.pdf"
    kind = "pdf"
    size = 13
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.LazyFunction(author)
