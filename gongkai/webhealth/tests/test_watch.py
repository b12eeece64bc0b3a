"""The veto watch: column thresholds and breach days, empty columns, unanswered messages, the availability share,
the warnings (once per risk) and the measures for an evaluation module."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongkai.catalogue.models import Category
from gongkai.catalogue.tests.factories import ItemFactory
from gongkai.core.errors import DomainError, NotAllowed
from gongkai.interaction import services as interaction
from gongkai.interaction.figures import unanswered_by_organ
from gongkai.interaction.tests.conftest import DATA
from gongkai.notify.models import Notification
from gongkai.webhealth import freshness, services, watch
from gongkai.webhealth.models import ColumnSetting, Probe, VetoWarning

TODAY = dt.date(2026, 12, 7)


def published(organ, category, day: dt.date):
    return ItemFactory(organ=organ, category=category,
                       published_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))))


@pytest.fixture
def news(db):
    """The seeded columns 工作动态 and 通知公告."""
    return Category.objects.get(code="GZDT")


@pytest.fixture
def notices(db):
    return Category.objects.get(code="TZGG")


def column(columns, name):
    return next(c for c in columns if c.name == name)


def test_home_and_news_columns_may_go_two_weeks_and_notices_six_months(office, news, notices):
    published(office.organ, news, TODAY - dt.timedelta(days=10))
    published(office.organ, notices, TODAY - dt.timedelta(days=100))
    columns = freshness.column_freshness(office.organ, TODAY)
    home = columns[0]
    assert home.category is None and home.threshold_days == 14
    assert home.last_update == TODAY - dt.timedelta(days=10)
    assert (home.breach_on, home.days_left) == (TODAY + dt.timedelta(days=5), 5)
    assert column(columns, "工作动态").threshold_days == freshness.FAST_DAYS
    notice = column(columns, "通知公告")
    assert notice.threshold_days == freshness.SLOW_DAYS
    assert notice.days_left == freshness.SLOW_DAYS - 100 + 1
    assert not notice.is_idle


def test_a_column_past_its_threshold_is_idle_and_a_column_without_items_is_empty(office, news, notices):
    published(office.organ, news, TODAY - dt.timedelta(days=15))
    columns = freshness.column_freshness(office.organ, TODAY)
    assert column(columns, "工作动态").is_idle and column(columns, "工作动态").days_left == 0
    assert column(columns, "通知公告").is_empty and column(columns, "通知公告").is_idle


def test_the_web_administrator_sets_a_column_threshold(office, notices):
    published(office.organ, notices, TODAY - dt.timedelta(days=40))
    services.set_threshold(office.organ, by=office.webadmin, category=notices, days=30)
    notice = column(freshness.column_freshness(office.organ, TODAY), "通知公告")
    assert (notice.threshold_days, notice.configured, notice.is_idle) == (30, True, True)
    services.set_threshold(office.organ, by=office.webadmin, category=notices, days=60)
    assert ColumnSetting.objects.get(organ=office.organ, category=notices).threshold_days == 60


def test_a_threshold_is_refused_to_others_and_out_of_range(office, notices):
    with pytest.raises(NotAllowed):
        services.set_threshold(office.organ, by=office.office, category=notices, days=30)
    with pytest.raises(DomainError) as bad:
        services.set_threshold(office.organ, by=office.webadmin, category=None, days=0)
    assert bad.value.field == "days"
    assert not ColumnSetting.objects.exists()


def test_risks_list_each_column_breaching_soon_with_the_days_left(office, news, notices):
    published(office.organ, news, TODAY - dt.timedelta(days=5))
    published(office.organ, notices, TODAY - dt.timedelta(days=180))
    found = {risk.key: risk for risk in freshness.risks([office.organ], TODAY)}
    notice = found[f"column:{notices.pk}"]
    assert (notice.kind, notice.days_left, notice.breach_on) == ("column_idle", 4, TODAY + dt.timedelta(days=4))
    assert "通知公告" in notice.label
    assert found[f"column:{news.pk}"].days_left == 10
    assert found["column:home"].days_left == 10


def test_valid_messages_unanswered_for_three_months_are_a_veto(office):
    old = interaction.submit_message(organ=office.organ, data=dict(DATA), received_on=TODAY - dt.timedelta(days=95))
    interaction.submit_message(organ=office.organ, data=dict(DATA), received_on=TODAY - dt.timedelta(days=30))
    counts = unanswered_by_organ([office.organ.pk], TODAY)[office.organ.pk]
    assert (counts.over, counts.next_received_on) == (1, TODAY - dt.timedelta(days=30))
    risk = next(r for r in freshness.risks([office.organ], TODAY) if r.kind == "messages")
    assert risk.is_veto
    interaction.refuse(old.message, by=office.office, reason="spam", note="广告")
    assert unanswered_by_organ([office.organ.pk], TODAY)[office.organ.pk].over == 0


def test_a_message_nearing_three_months_is_a_risk_with_its_days_left(office):
    interaction.submit_message(organ=office.organ, data=dict(DATA), received_on=dt.date(2026, 9, 14))
    risk = next(r for r in freshness.risks([office.organ], TODAY) if r.kind == "messages")
    assert (risk.breach_on, risk.days_left) == (dt.date(2026, 12, 15), 8)


def probes(organ, ok: int, failed: int, at=None):
    at = at or timezone.now() - dt.timedelta(hours=1)
    Probe.objects.bulk_create([Probe(organ=organ, url="http://x/", at=at, ok=True) for _ in range(ok)]
                              + [Probe(organ=organ, url="http://x/", at=at, ok=False) for _ in range(failed)])


def test_five_percent_of_failed_probes_in_a_week_is_a_veto(office):
    probes(office.organ, ok=19, failed=1)
    probes(office.organ, ok=0, failed=30, at=timezone.now() - dt.timedelta(days=8))  # outside the week
    seen = freshness.availability([office.organ])[office.organ.pk]
    assert (seen.probes, seen.failures, seen.is_veto) == (20, 1, True)
    assert any(r.kind == "availability" for r in freshness.risks([office.organ]))


def test_under_five_percent_is_not_a_veto(office):
    probes(office.organ, ok=20, failed=1)
    assert not freshness.availability([office.organ])[office.organ.pk].is_veto


def test_the_probe_fetches_the_key_public_pages_and_records_failures(planted, office, city):
    planted.pages["/gxj/"] = "<p>公开专栏</p>"
    rows = {row.url: row for row in watch.probe()}
    assert rows[f"{planted.root}/gxj/"].ok
    assert rows[f"{planted.root}/gxj/"].organ == office.organ
    assert not rows[f"{planted.root}/city/"].ok and rows[f"{planted.root}/city/"].status == 404
    assert not rows[f"{planted.root}/"].ok


def test_the_web_administrator_and_the_city_office_are_warned_once_per_risk(office, city_office, notices):
    published(office.organ, notices, TODAY - dt.timedelta(days=177))
    assert watch.warn(TODAY) >= 1
    warned = VetoWarning.objects.filter(organ=office.organ, key=f"column:{notices.pk}").get()
    assert warned.breach_on == TODAY + dt.timedelta(days=7)
    for person in (office.webadmin, city_office):
        assert Notification.objects.filter(recipient=person, channel="inapp", reference=f"webhealth:{office.organ.pk}").exists()
    assert not Notification.objects.filter(recipient=office.clerk).exists()
    before = Notification.objects.count()
    assert watch.warn(TODAY) == 0
    assert Notification.objects.count() == before


def test_the_measures_give_plain_figures_for_an_evaluation(office, news):
    published(office.organ, news, TODAY - dt.timedelta(days=20))
    probes(office.organ, ok=10, failed=0)
    found = freshness.measures(office.organ, TODAY)
    assert found["home_idle_days"] == 20
    assert found["columns_idle"] >= 1 and found["veto"] is True
    assert (found["probes_7_days"], found["availability_failure_share"]) == (10, 0.0)
    assert found["messages_unanswered_3_months"] == 0


def test_a_standing_veto_is_told_again_once_a_week_in_one_message_per_organ(office, news):
    published(office.organ, news, TODAY - dt.timedelta(days=3))
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    first = watch.warn(monday)
    assert first >= 2  # the empty columns of the organ (and of its city)
    told = Notification.objects.filter(recipient=office.webadmin, channel="inapp")
    assert told.count() == 1
    assert watch.warn(monday + dt.timedelta(days=1)) == 0
    assert watch.warn(monday + dt.timedelta(days=7)) >= 2
    assert told.count() == 2
