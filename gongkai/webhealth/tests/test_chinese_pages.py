"""Website health's pages show no English and no half-width punctuation in Chinese text (the platform's reader from
core's interface test), with every part of them filled: risks, columns, probes, runs, broken links, false positives."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongkai.core.tests.test_chinese_interface import leaks
from gongkai.webhealth import services
from gongkai.webhealth.models import BrokenLink, Probe, Run, RunState


def test_the_pages_speak_chinese_to_the_web_administrator_and_the_city_office(office, city_office, item):
    site = services.own_site(office.organ)
    services.add_site(office.organ, by=office.webadmin, name="旧网站", url="https://old.example.gov.cn/")
    finished = Run.objects.create(site=site, state=RunState.FINISHED, finished_at=timezone.now(), started_by=office.webadmin,
                                  broken_count=2, new_count=2, pages_crawled=3)
    for n, error in enumerate(("http-4xx", "soft-404", "timeout")):
        BrokenLink.objects.create(
            site=site, url=f"https://gxj.example.gov.cn/gone{n}", url_key=f"k{n}", status=404 if n == 0 else None,
            error=error, detail="not found", first_seen_run=finished, broken_since_run=finished, last_seen_run=finished,
            pages=[{"url": f"https://gxj.example.gov.cn/gxj/items/{item.pk}/", "text": "附件 Annex", "item": item.pk}])
    services.mark_false_positive(BrokenLink.objects.get(url_key="k2"), by=office.webadmin, reason="需要登录")
    Run.objects.create(site=site, state=RunState.FAILED, error="OSError: boom")
    active = Run.objects.create(site=site, state=RunState.RUNNING, addresses_found=10, addresses_done=4)
    Probe.objects.create(organ=office.organ, url="https://gxj.example.gov.cn/gxj/", at=timezone.now() - dt.timedelta(hours=1),
                         ok=False, detail="timeout")
    pages = [reverse("webhealth_ws:home"), reverse("webhealth_ws:organ", args=[office.organ.pk]),
             reverse("webhealth_ws:links", args=[office.organ.pk]), reverse("webhealth_ws:run", args=[finished.pk]),
             reverse("webhealth_ws:run", args=[active.pk])]
    for person in (office.webadmin, city_office):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(person)
        found = {page: leaks(client.get(page).content.decode()) for page in pages}
        assert {page: words for page, words in found.items() if words} == {}
