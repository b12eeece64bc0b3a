"""Test data for the catalogue and every app that shows its items.

``Office`` and its methods make real items through the services (drafting, sign-off, publishing: the audit
trail and index numbers are real). The model factories (``ItemFactory``, ``DraftFactory``, ``AttachmentFactory``,
``TopicFactory``, ``CategoryFactory``) write published items directly, for the portal, search and other tests that
need items without going through drafting and review."""

from __future__ import annotations

import datetime as dt
import io

import docx
import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.catalogue import services
from gongkai.catalogue.models import Attachment, Category, Disclosure, Item, ItemState, Topic, Validity
from gongkai.core.richtext import html_to_text
from gongkai.factories import OrganFactory, member
from gongkai.organs.models import Role
from gongkai.signoff.models import Decision

CHAIN = (Role.DEPARTMENT_HEAD, Role.CONFIDENTIALITY_REVIEWER, Role.DEPUTY_LEADER)


def topic() -> Topic:
    return Topic.objects.get(code="0101")


def category(code: str = "GZDT") -> Category:
    return Category.objects.get(code=code)


def item_data(**overrides) -> dict:
    data = {
        "title": "关于开展2026年政务公开工作检查的通知",
        "body": "<p>各单位：现将有关事项通知如下。</p>",
        "topic": topic(),
        "category": category(),
        "document_number": "某政办发〔2026〕12号",
        "date_formed": timezone.localdate() - dt.timedelta(days=2),
        "keywords": "政务公开 检查",
    }
    data.update(overrides)
    return data


def docx_upload(text: str = "附件正文：检查表", name: str = "附件.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


class Office:
    """An organ with one person per role."""

    def __init__(self, organ=None):
        self.organ = organ or OrganFactory()
        self.clerk = member(self.organ, Role.CLERK)
        self.head = member(self.organ, Role.DEPARTMENT_HEAD)
        self.secrecy = member(self.organ, Role.CONFIDENTIALITY_REVIEWER)
        self.deputy = member(self.organ, Role.DEPUTY_LEADER)
        self.principal = member(self.organ, Role.PRINCIPAL_LEADER)
        self.office = member(self.organ, Role.DISCLOSURE_OFFICE)
        self.webadmin = member(self.organ, Role.WEB_ADMIN)

    def person(self, role):
        return {
            Role.DEPARTMENT_HEAD: self.head, Role.CONFIDENTIALITY_REVIEWER: self.secrecy,
            Role.DEPUTY_LEADER: self.deputy, Role.PRINCIPAL_LEADER: self.principal,
        }[role]

    def draft(self, **overrides) -> Item:
        return services.create_draft(organ=self.organ, by=self.clerk, data=item_data(**overrides))

    def approve_all(self, item: Item) -> Item:
        from gongkai.catalogue.services import pending_signoff

        while (signoff := pending_signoff(item)) is not None:
            services.review(item, by=self.person(signoff.current_role), decision=Decision.APPROVE)
        item.refresh_from_db()
        return item

    def approved(self, **overrides) -> Item:
        item = self.draft(**overrides)
        services.submit(item, by=self.clerk)
        return self.approve_all(item)

    def published(self, **overrides) -> Item:
        return services.publish(self.approved(**overrides), by=self.webadmin)


# --- Model factories: published items written directly -------------------------------------------------


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
