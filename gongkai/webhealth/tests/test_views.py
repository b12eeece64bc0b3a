"""The workspace screens of website health: who reads them, who may act, and what each refuses."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.factories import member
from gongkai.organs.models import Role
from gongkai.webhealth import services
from gongkai.webhealth.models import BrokenLink, ColumnSetting, Run, RunState, Site


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def site(office):
    return services.own_site(office.organ)


@pytest.fixture
def finished(site):
    run = Run.objects.create(site=site, state=RunState.FINISHED, broken_count=1, new_count=1)
    return run


@pytest.fixture
def link(site, finished, item):
    return BrokenLink.objects.create(
        site=site, url="http://127.0.0.1:1/gone", url_key="k", status=404, error="http-4xx", first_seen_run=finished,
        broken_since_run=finished, last_seen_run=finished,
        pages=[{"url": f"http://127.0.0.1:1/gxj/items/{item.pk}/", "text": "附件", "item": item.pk}])


def pages(office, site, finished):
    organ = office.organ.pk
    return [reverse("webhealth_ws:home"), reverse("webhealth_ws:organ", args=[organ]),
            reverse("webhealth_ws:links", args=[organ]), reverse("webhealth_ws:run", args=[finished.pk]),
            reverse("webhealth_ws:export", args=[site.pk])]


def test_every_page_opens_for_a_reader_of_the_organ_and_the_city_office(office, city_office, site, finished, link):
    for person in (office.clerk, city_office):
        client = client_for(person)
        for url in pages(office, site, finished):
            assert client.get(url).status_code == 200, url


def test_the_links_page_shows_new_broken_links_with_their_item(office, site, finished, link, item):
    html = client_for(office.clerk).get(reverse("webhealth_ws:links", args=[office.organ.pk])).content.decode()
    assert "http://127.0.0.1:1/gone" in html
    assert reverse("workspace:item", args=[item.pk]) in html
    assert "页面不存在或拒绝访问" in html


def test_pages_of_an_organ_are_refused_to_someone_who_may_not_read_it(office, outsider, site, finished):
    client = client_for(outsider)
    for url in pages(office, site, finished)[1:]:
        assert client.get(url).status_code == 403, url


def test_a_person_with_no_role_is_refused_and_a_visitor_sent_to_sign_in(office, site, finished):
    from gongkai.factories import UserFactory

    nobody = client_for(UserFactory())
    for url in pages(office, site, finished):
        assert nobody.get(url).status_code == 403, url
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_only_the_web_administrator_starts_a_run(office, site):
    url = reverse("webhealth_ws:run_start", args=[site.pk])
    for person in (office.clerk, office.office, office.head):
        assert client_for(person).post(url).status_code == 403
    assert not Run.objects.exists()
    response = client_for(office.webadmin).post(url)
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("webhealth_ws:run", args=[run.pk])
    assert run.started_by == office.webadmin


def test_a_second_start_while_a_run_is_under_way_says_so(office, site):
    Run.objects.create(site=site, state=RunState.RUNNING)
    client = client_for(office.webadmin)
    response = client.post(reverse("webhealth_ws:run_start", args=[site.pk]), follow=True)
    assert "已在进行" in response.content.decode()
    assert Run.objects.count() == 1


def test_the_city_office_reads_but_does_not_act(office, city_office, site, link):
    client = client_for(city_office)
    assert client.post(reverse("webhealth_ws:run_start", args=[site.pk])).status_code == 403
    assert client.post(reverse("webhealth_ws:false_positive", args=[link.pk]), {"reason": "误报"}).status_code == 403
    assert client.post(reverse("webhealth_ws:threshold", args=[office.organ.pk]), {"days": "30"}).status_code == 403
    assert client.post(reverse("webhealth_ws:site_add", args=[office.organ.pk]),
                       {"name": "旧网站", "start_url": "https://old.example.gov.cn/"}).status_code == 403


def test_marking_a_false_positive_needs_a_reason(office, link):
    client = client_for(office.webadmin)
    url = reverse("webhealth_ws:false_positive", args=[link.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "原因" in response.content.decode()
    link.refresh_from_db()
    assert not link.is_false_positive
    client.post(url, {"reason": "需要登录"})
    link.refresh_from_db()
    assert link.is_false_positive
    client.post(url, {"remove": "1"})
    link.refresh_from_db()
    assert not link.is_false_positive


def test_a_further_site_with_a_bad_address_is_refused_naming_the_field(office):
    client = client_for(office.webadmin)
    response = client.post(reverse("webhealth_ws:site_add", args=[office.organ.pk]),
                           {"name": "旧网站", "start_url": "不是地址"}, follow=True)
    assert "起始地址" in response.content.decode()
    assert not Site.objects.filter(name="旧网站").exists()
    client.post(reverse("webhealth_ws:site_add", args=[office.organ.pk]),
                {"name": "旧网站", "start_url": "https://old.example.gov.cn/"})
    assert Site.objects.filter(name="旧网站", organ=office.organ).exists()


def test_the_web_administrator_sets_a_threshold_from_the_dashboard(office):
    client = client_for(office.webadmin)
    response = client.post(reverse("webhealth_ws:threshold", args=[office.organ.pk]), {"category": "", "days": "21"})
    assert response.status_code == 302
    assert ColumnSetting.objects.get(organ=office.organ, category=None).threshold_days == 21
    bad = client.post(reverse("webhealth_ws:threshold", args=[office.organ.pk]), {"days": "0"}, follow=True)
    assert "天数" in bad.content.decode()


def test_a_web_administrator_of_another_organ_may_not_act_here(office, site):
    other = member(office.organ.parent, Role.WEB_ADMIN)
    assert client_for(other).post(reverse("webhealth_ws:run_start", args=[site.pk])).status_code == 403
