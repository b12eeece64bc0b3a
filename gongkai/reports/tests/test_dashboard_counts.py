"""Dashboard figures (docs/annual-report.md › "Dashboards", "Performance"): the month counts and the one-scan
application charts give the figures a direct count of the records gives, and stay current as items change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.applications.models import Reply
from gongkai.catalogue.models import Category, Item, ItemState, Topic
from gongkai.factories import DepartmentFactory, OrganFactory
from gongkai.reports import stats
from gongkai.reports.models import ItemMonth
from gongkai.reports.tests.factories import Office, application, item

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def charts(organ_ids, year=2025, across=False):
    return {c.code: c for c in stats.dashboard(organ_ids, year, across=across)}


@pytest.fixture
def office():
    return Office()


def test_item_charts_count_the_published_items_of_the_year_by_month_category_topic_and_department(office):
    organ = office.organ
    notice, rules = Category.objects.get(code="TZGG"), Category.objects.filter(is_policy=True).first()
    topics = list(Topic.objects.order_by("pk")[:2])
    department = DepartmentFactory(organ=organ, name="办公室")
    item(organ, published_at=at(2025, 1, 1, 0), category=notice, topic=topics[0])  # local midnight: January
    item(organ, published_at=at(2025, 3, 9), category=notice, topic=topics[1], department=department)
    item(organ, published_at=at(2025, 3, 30), category=rules, topic=topics[1], department=department)
    item(organ, published_at=at(2025, 12, 31, 23), category=notice, topic=topics[0])
    item(organ, published_at=at(2024, 12, 31, 23), category=notice)  # last year
    item(organ, state=ItemState.WITHDRAWN, category=notice)  # not published
    item(OrganFactory(), published_at=at(2025, 3, 9), category=notice)  # another organ
    result = charts([organ.pk])
    assert result["items_month"].values == [1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert dict(result["items_category"].rows) == {notice.name: 3, rules.name: 1}
    assert dict(result["items_topic"].rows) == {topics[0].name: 2, topics[1].name: 2}
    departments = dict(result["items_department"].rows)
    assert departments.pop("办公室") == 2
    assert list(departments.values()) == [2]  # "(none)", translated


def test_the_interpretation_chart_lists_interpreted_documents_first_then_the_newest_without(office):
    organ = office.organ
    policy = Category.objects.filter(is_policy=True).first()
    older = item(organ, published_at=at(2025, 2, 1), category=policy, title="旧办法")
    newer = item(organ, published_at=at(2025, 5, 1), category=policy, title="新办法")
    explained = item(organ, published_at=at(2025, 4, 1), category=policy, title="有解读的办法")
    for n in range(2):
        item(organ, published_at=at(2025, 4, 2), category=Category.objects.get(code="TZGG"), title=f"解读{n}").interprets.add(explained)
    chart = charts([organ.pk])["interpretations"]
    assert chart.rows == [("有解读的办法", 2), ("新办法", 0), ("旧办法", 0)]
    assert "2" in chart.note
    assert older.pk and newer.pk


def test_application_charts_count_received_closed_and_timeliness_as_the_records_say(office):
    organ = office.organ
    ok = application(organ, received_on=dt.date(2025, 3, 1), closed_on=dt.date(2025, 3, 20), outcome="disclosed",
                     due_on=dt.date(2025, 3, 29), internal_due_on=dt.date(2025, 3, 10), channel="letter")
    late = application(organ, received_on=dt.date(2025, 4, 1), closed_on=dt.date(2025, 5, 20), outcome="disclosed",
                       due_on=dt.date(2025, 4, 29), internal_due_on=dt.date(2025, 4, 10), applicant_type="commercial")
    application(organ, received_on=dt.date(2024, 12, 1), closed_on=dt.date(2025, 1, 5), outcome="not_held",
                due_on=dt.date(2024, 12, 29))  # received last year, closed this year
    application(organ, received_on=dt.date(2025, 12, 30))  # still open
    application(organ, received_on=dt.date(2024, 3, 1), closed_on=dt.date(2024, 3, 5), outcome="disclosed")  # last year
    for case, drafted in ((ok, at(2025, 3, 8)), (late, at(2025, 4, 12)), (late, at(2025, 4, 15))):
        reply = Reply.objects.create(application=case, version=Reply.objects.filter(application=case).count() + 1,
                                     outcome="disclosed", legal_basis="第二十七条", body="答复", content_hash="0" * 64,
                                     created_by=office.clerk)
        Reply.objects.filter(pk=reply.pk).update(created_at=drafted)
    result = charts([organ.pk])
    assert dict(result["apps_channel"].rows) == {"信函": 1, "网上申请": 2}
    assert dict(result["apps_type"].rows) == {"自然人": 2, "商业企业": 1}
    assert sum(result["apps_outcome"].values) == 3
    # Internal target: a draft by the target for 1 of the 2 cases that have one; statutory limit: 1 of 3 closed.
    assert result["apps_timeliness"].values == [50.0, 33.3]


def test_a_published_item_is_counted_in_its_month_on_the_next_dashboard(django_capture_on_commit_callbacks):
    from gongkai.catalogue.tests.factories import Office as CatalogueOffice

    office = CatalogueOffice()
    year, month = timezone.localdate().year, timezone.localdate().month
    assert charts([office.organ.pk], year)["items_month"].values[month - 1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        office.published(title="关于开展安全检查的通知")
    assert charts([office.organ.pk], year)["items_month"].values[month - 1] == 1


def test_a_withdrawn_item_leaves_its_month_on_the_next_dashboard(django_capture_on_commit_callbacks):
    from gongkai.catalogue import services
    from gongkai.catalogue.tests.factories import Office as CatalogueOffice

    office = CatalogueOffice()
    year, month = timezone.localdate().year, timezone.localdate().month
    with django_capture_on_commit_callbacks(execute=True):
        published = office.published(title="关于开展安全检查的通知")
    assert charts([office.organ.pk], year)["items_month"].values[month - 1] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(published, by=office.webadmin, reason="发布有误")
    assert charts([office.organ.pk], year)["items_month"].values[month - 1] == 0


def test_an_import_is_counted_on_the_next_dashboard(office, django_capture_on_commit_callbacks):
    import io

    from gongkai.catalogue.importing import run_import

    organ = office.organ
    topic, category = Topic.objects.filter(parent__isnull=False).first(), Category.objects.get(code="TZGG")
    assert charts([organ.pk], 2024)["items_month"].values[2] == 0
    text = "标题,成文日期,发布日期,主题分类,信息类别\n" + "".join(
        f"关于某事项的通知{n},2024-03-01,2024-03-05,{topic.code},{category.code}\n" for n in range(3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = run_import(io.BytesIO(text.encode()), organ=organ, by=office.webadmin, dry_run=False, index=False)
    assert report.imported == 3
    assert charts([organ.pk], 2024)["items_month"].values[2] == 3


def test_a_month_whose_items_changed_is_recounted_and_the_others_are_not(office):
    organ = office.organ
    item(organ, published_at=at(2025, 3, 9))
    assert charts([organ.pk])["items_month"].values[2] == 1
    # Written behind the catalogue's back (as a bulk load would): not seen until the month is marked changed.
    item(organ, published_at=at(2025, 3, 10))
    item(organ, published_at=at(2025, 4, 10))
    assert charts([organ.pk])["items_month"].values[2:4] == [1, 0]
    stats.items_changed(organ.pk, [at(2025, 3, 1)])
    assert charts([organ.pk])["items_month"].values[2:4] == [2, 0]
    stats.items_changed(organ.pk)
    assert charts([organ.pk])["items_month"].values[2:4] == [2, 1]
    assert set(ItemMonth.objects.filter(organ=organ, month__year=2025).values_list("changes", flat=True)) >= {1, 2}


def test_the_dashboard_across_organs_adds_up_each_organs_months(office):
    other = OrganFactory()
    item(office.organ, published_at=at(2025, 6, 1))
    item(other, published_at=at(2025, 6, 2))
    item(other, published_at=at(2025, 7, 2))
    result = charts([office.organ.pk, other.pk], across=True)
    assert result["items_month"].values[5:7] == [2, 1]
    assert result["organs_items"].values == [1, 2]
    assert Item.objects.count() == 3
