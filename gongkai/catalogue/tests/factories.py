"""Helpers for catalogue tests: real items made through the services."""

from __future__ import annotations

import datetime as dt
import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongkai.catalogue import services
from gongkai.catalogue.models import Category, Item, Topic
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
