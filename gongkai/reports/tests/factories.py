"""Small factories for report tests: records made directly, with the exact
dates and outcomes a test needs (the workflows that normally make them are
tested in their own apps)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongkai.applications.models import Appeal, Application, Status
from gongkai.applications.taxonomy import ApplicantType
from gongkai.catalogue.models import Category, Item, ItemState, Topic, Validity
from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role

_serial = itertools.count(1)


def category_for(row: str = "") -> Category:
    if row:
        return Category.objects.filter(annual_report_row=row).first()
    return Category.objects.get(code="GZDT")


_authors: dict = {}


def _author(organ):
    user = _authors.get(organ.pk)
    if user is None or not type(user).objects.filter(pk=user.pk).exists():
        user = _authors[organ.pk] = UserFactory()
    return user


def item(organ, *, row: str = "", date_formed=dt.date(2025, 3, 1), validity=Validity.IN_FORCE, changed_on=None,
         state=ItemState.PUBLISHED, published_at=None, category=None, department=None, author=None, **extra) -> Item:
    author = author or _author(organ)
    published_at = published_at or timezone.make_aware(dt.datetime.combine(date_formed, dt.time(10)))
    return Item.objects.create(
        organ=organ,
        title=extra.pop("title", f"测试文件{next(_serial)}"),
        topic=extra.pop("topic", None) or Topic.objects.order_by("pk").first(),
        category=category or category_for(row),
        department=department,
        date_formed=date_formed,
        validity=validity,
        validity_changed_on=changed_on,
        state=state,
        published_at=published_at if state == ItemState.PUBLISHED else None,
        created_by=author,
        **extra,
    )


def application(organ, *, received_on, closed_on=None, outcome="", applicant_type=ApplicantType.NATURAL_PERSON, **extra) -> Application:
    n = next(_serial)
    status = Status.CLOSED if closed_on else Status.IN_PROGRESS
    data = dict(
        organ=organ,
        tracking_number=f"T{organ.pk}-{n:06d}",
        secret="0" * 64,
        channel="web",
        applicant_type=applicant_type,
        applicant_name=f"申请人{n}",
        id_type="resident_id",
        id_number="110101199003070000",
        subject=f"申请公开某文件{n}",
        form_wanted="electronic",
        delivery_method="email",
        received_on=received_on,
        closed_on=closed_on,
        outcome=outcome,
        status=status,
    )
    data.update(extra)
    return Application.objects.create(**data)


def appeal(organ, *, kind="reconsideration", result="upheld", filed_on=dt.date(2025, 5, 1), decided_on=None) -> Appeal:
    return Appeal.objects.create(organ=organ, kind=kind, result=result, filed_on=filed_on, decided_on=decided_on)


class Office:
    """An organ with one person per role the report needs."""

    def __init__(self, organ=None, **organ_fields):
        self.organ = organ or OrganFactory(**organ_fields)
        self.clerk = member(self.organ, Role.CLERK)
        self.office = member(self.organ, Role.DISCLOSURE_OFFICE)
        self.deputy = member(self.organ, Role.DEPUTY_LEADER)
        self.principal = member(self.organ, Role.PRINCIPAL_LEADER)
        self.webadmin = member(self.organ, Role.WEB_ADMIN)
