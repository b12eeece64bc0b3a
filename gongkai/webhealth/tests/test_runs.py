"""Link-check runs in the platform, against a planted site on loopback: what a run records, one run at a time per
site, new and fixed since the last run, false positives remembered, the fix loop and the export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from openpyxl import load_workbook

from gongkai.core.audit import trail_for
from gongkai.core.errors import DomainError, NotAllowed
from gongkai.notify.models import Notification
from gongkai.webhealth import services
from gongkai.webhealth.export import workbook
from gongkai.webhealth.models import BrokenLink, Run, RunState, Site

from .conftest import plant_column


def check(site: Site, by, capture) -> Run:
    """Request a run and let its job run, as it does after the request's commit."""
    with capture(execute=True):
        run = services.request_run(site, by=by)
    run.refresh_from_db()
    return run


def test_a_run_records_each_broken_link_with_the_pages_and_the_item_containing_it(
        planted, office, item, django_capture_on_commit_callbacks):
    plant_column(planted, office.organ, item, broken=("/gone", "/gxj/missing"))
    site = services.own_site(office.organ)
    assert site.start_url == f"{planted.root}/gxj/"
    run = check(site, office.webadmin, django_capture_on_commit_callbacks)
    assert run.state == RunState.FINISHED
    assert run.started_by == office.webadmin and run.finished_at is not None
    assert (run.broken_count, run.new_count, run.fixed_count) == (2, 2, 0)
    assert run.pages_crawled == 3 and run.addresses_done == run.addresses_found > 0
    links = {link.url: link for link in BrokenLink.objects.filter(site=site)}
    assert set(links) == {f"{planted.root}/gone", f"{planted.root}/gxj/missing"}
    gone = links[f"{planted.root}/gone"]
    assert (gone.status, gone.error) == (404, "http-4xx")
    assert gone.pages == [{"url": f"{planted.root}/gxj/items/{item.pk}/", "text": "附件0", "item": item.pk}]
    assert gone.first_seen_run == gone.last_seen_run == gone.broken_since_run == run
    assert "webhealth.run_finished" in [event.action for event in trail_for(run)]


def test_only_one_run_of_a_site_is_under_way_at_a_time(planted, office):
    site = services.own_site(office.organ)
    first = services.request_run(site, by=office.webadmin)  # queued: its job waits for a commit that never comes
    with pytest.raises(DomainError) as refused:
        services.request_run(site, by=office.webadmin)
    assert refused.value.code == "conflict"
    assert Run.objects.filter(site=site).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.create(site=site, state=RunState.RUNNING)
    Run.objects.filter(pk=first.pk).update(state=RunState.FINISHED)
    assert services.request_run(site, by=office.webadmin).state == RunState.QUEUED


def test_a_run_is_claimed_once(planted, office, item):
    plant_column(planted, office.organ, item)
    run = services.request_run(services.own_site(office.organ), by=office.webadmin)
    assert services.execute_run(run.pk).state == RunState.FINISHED
    assert services.execute_run(run.pk) is None


def test_the_next_run_tells_new_links_from_fixed_ones(planted, office, item, django_capture_on_commit_callbacks):
    plant_column(planted, office.organ, item, broken=("/gone", "/old"))
    site = services.own_site(office.organ)
    first = check(site, office.webadmin, django_capture_on_commit_callbacks)
    plant_column(planted, office.organ, item, broken=("/gone", "/new"))
    second = check(site, office.webadmin, django_capture_on_commit_callbacks)
    assert (second.broken_count, second.new_count, second.fixed_count) == (2, 1, 1)
    old = BrokenLink.objects.get(site=site, url=f"{planted.root}/old")
    assert old.fixed_in_run == second
    new = BrokenLink.objects.get(site=site, url=f"{planted.root}/new")
    assert new.broken_since_run == second
    gone = BrokenLink.objects.get(site=site, url=f"{planted.root}/gone")
    assert (gone.first_seen_run, gone.last_seen_run) == (first, second)
    assert set(BrokenLink.objects.filter(site=site).current().values_list("url", flat=True)) == {
        f"{planted.root}/gone", f"{planted.root}/new"}


def test_a_link_broken_again_after_its_fix_counts_as_new(planted, office, item, django_capture_on_commit_callbacks):
    site = services.own_site(office.organ)
    plant_column(planted, office.organ, item, broken=("/gone",))
    check(site, office.webadmin, django_capture_on_commit_callbacks)
    plant_column(planted, office.organ, item, broken=())
    check(site, office.webadmin, django_capture_on_commit_callbacks)
    plant_column(planted, office.organ, item, broken=("/gone",))
    third = check(site, office.webadmin, django_capture_on_commit_callbacks)
    link = BrokenLink.objects.get(site=site)
    assert link.fixed_in_run is None and link.broken_since_run == third
    assert third.new_count == 1


def test_a_false_positive_is_remembered_by_later_runs(planted, office, item, django_capture_on_commit_callbacks):
    plant_column(planted, office.organ, item, broken=("/gone",))
    site = services.own_site(office.organ)
    check(site, office.webadmin, django_capture_on_commit_callbacks)
    link = BrokenLink.objects.get(site=site)
    services.mark_false_positive(link, by=office.webadmin, reason="需要登录才能访问")
    again = check(site, office.webadmin, django_capture_on_commit_callbacks)
    link.refresh_from_db()
    assert link.is_false_positive and link.false_positive_reason == "需要登录才能访问"
    assert link.last_seen_run == again
    assert (again.broken_count, again.new_count) == (0, 0)
    assert "webhealth.false_positive" in [event.action for event in trail_for(link)]


def test_only_the_web_administrator_marks_a_false_positive_and_gives_a_reason(planted, office, item,
                                                                              django_capture_on_commit_callbacks):
    plant_column(planted, office.organ, item)
    check(services.own_site(office.organ), office.webadmin, django_capture_on_commit_callbacks)
    link = BrokenLink.objects.get()
    with pytest.raises(NotAllowed):
        services.mark_false_positive(link, by=office.clerk, reason="误报")
    with pytest.raises(DomainError) as missing:
        services.mark_false_positive(link, by=office.webadmin, reason="  ")
    assert missing.value.field == "reason"
    link.refresh_from_db()
    assert not link.is_false_positive


def test_the_owner_of_an_item_with_a_broken_link_is_told_once_until_it_is_fixed(
        planted, office, item, django_capture_on_commit_callbacks):
    plant_column(planted, office.organ, item, broken=("/gone",))
    site = services.own_site(office.organ)

    def told():
        return Notification.objects.filter(recipient=office.clerk, channel="inapp", reference=f"item:{item.pk}")

    check(site, office.webadmin, django_capture_on_commit_callbacks)
    assert told().count() == 1
    assert told().get().link == f"/workspace/items/{item.pk}/"
    check(site, office.webadmin, django_capture_on_commit_callbacks)
    assert told().count() == 1  # still broken: not told again
    plant_column(planted, office.organ, item, broken=())  # the owner's revision removed the link
    fixed = check(site, office.webadmin, django_capture_on_commit_callbacks)
    assert fixed.fixed_count == 1
    assert BrokenLink.objects.get(site=site).fixed_in_run == fixed
    plant_column(planted, office.organ, item, broken=("/gone",))
    check(site, office.webadmin, django_capture_on_commit_callbacks)
    assert told().count() == 2


def test_a_further_site_is_checked_like_the_column(planted, office, django_capture_on_commit_callbacks):
    planted.pages["/old/"] = '<a href="/old/gone">旧文章</a>'
    site = services.add_site(office.organ, by=office.webadmin, name="旧网站", url=f"{planted.root}/old/")
    run = check(site, office.webadmin, django_capture_on_commit_callbacks)
    link = BrokenLink.objects.get(site=site)
    assert link.url == f"{planted.root}/old/gone" and link.pages[0]["item"] is None
    assert run.broken_count == 1


def test_adding_a_site_refuses_a_bad_address_and_the_wrong_person(office):
    with pytest.raises(DomainError) as bad:
        services.add_site(office.organ, by=office.webadmin, name="旧网站", url="旧网站地址")
    assert bad.value.field == "start_url"
    with pytest.raises(NotAllowed):
        services.add_site(office.organ, by=office.clerk, name="旧网站", url="https://old.example.gov.cn/")
    with pytest.raises(NotAllowed):
        services.request_run(services.own_site(office.organ), by=office.clerk)
    assert not Site.objects.filter(name="旧网站").exists()


def test_the_schedule_queues_each_site_not_checked_lately_once(planted, office, django_capture_on_commit_callbacks):
    site = services.own_site(office.organ)
    assert services.schedule_runs() >= 1
    assert Run.objects.filter(site=site, started_by=None).count() == 1
    assert services.schedule_runs() == 0  # queued or run lately: not again


def test_a_run_left_by_a_dead_worker_is_failed_so_the_site_can_be_checked_again(office):
    site = services.own_site(office.organ)
    stale = Run.objects.create(site=site, state=RunState.RUNNING, started_at=timezone.now() - dt.timedelta(days=2))
    assert services.fail_stale_runs() == 1
    stale.refresh_from_db()
    assert stale.state == RunState.FAILED
    assert services.request_run(site, by=office.webadmin).state == RunState.QUEUED


def test_the_export_lists_the_broken_links_with_their_items_columns_and_owners(
        planted, office, item, django_capture_on_commit_callbacks):
    plant_column(planted, office.organ, item, broken=("/gone", "/gxj/missing"))
    site = services.own_site(office.organ)
    check(site, office.webadmin, django_capture_on_commit_callbacks)
    services.mark_false_positive(BrokenLink.objects.get(url=f"{planted.root}/gxj/missing"), by=office.webadmin,
                                 reason="内网地址")
    with translation.override("en"):
        book = load_workbook(io.BytesIO(workbook(site)))
    broken, marked = book.worksheets
    rows = list(broken.iter_rows(values_only=True))
    assert len(rows) == 2
    url, status, error, _detail, new, pages, titles, columns, owners, *_ = rows[1]
    assert (url, status, error, new) == (f"{planted.root}/gone", 404, "Page not found or refused", "yes")
    assert pages == f"{planted.root}/gxj/items/{item.pk}/"
    assert (titles, columns, owners) == (item.title, item.category.name, office.clerk.get_full_name())
    assert [row[:2] for row in marked.iter_rows(values_only=True)][1:] == [(f"{planted.root}/gxj/missing", "内网地址")]


def test_the_command_checks_the_sites_of_an_organ(planted, office, item, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    plant_column(planted, office.organ, item, broken=("/gone",))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("webhealth", "check", "--organ", office.organ.slug, stdout=out)
    run = Run.objects.get(site__organ=office.organ)
    assert run.state == RunState.FINISHED and run.started_by is None and run.broken_count == 1
    assert f"run {run.pk}" in out.getvalue()
