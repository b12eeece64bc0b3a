"""What a run found, kept: one ``BrokenLink`` per broken address of a site, new or seen again, and those not broken
any more marked fixed in this run. The pages containing a link are mapped to the catalogue items they show, and the
owner of each item with a newly broken link is told (the fix loop: the owner revises the item through sign-off, the
next run finds the link fixed)."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit

from django.db.models import Q
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Item
from gongkai.core.audit import log_action
from gongkai.webhealth import checker
from gongkai.webhealth.models import BrokenLink, Run, RunState, url_key

MAX_PAGES_KEPT = 50  # pages listed per broken link; the count says how many more
ITEM_ROUTE = ("portal", "item")


def item_of_page(url: str, base: str) -> int | None:
    """The catalogue item a page of this platform shows (``/<organ>/items/<pk>/``), or None."""
    if not url.startswith(base + "/"):
        return None
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if (match.namespace, match.url_name) == ITEM_ROUTE:
        return int(match.kwargs["pk"])
    return None


def _pages(result: checker.Result, base: str) -> list[dict]:
    seen: dict[str, dict] = {}
    for referrer in result.referrers:
        if referrer.page not in seen and len(seen) < MAX_PAGES_KEPT:
            seen[referrer.page] = {"url": referrer.page, "text": referrer.text[:200],
                                   "item": item_of_page(referrer.page, base)}
    return list(seen.values())


def record(run: Run, report: checker.Report) -> Run:
    """Keep ``report`` as the outcome of ``run`` (in the caller's transaction)."""
    from gongkai.webhealth.services import public_base

    site, base = run.site, public_base()
    broken = {url_key(r.url): r for r in report.broken}
    existing = {link.url_key: link for link in BrokenLink.objects.filter(
        Q(url_key__in=list(broken)) | Q(fixed_in_run__isnull=True), site=site)}
    created, updated, fresh = [], [], []
    for key, result in broken.items():
        link = existing.get(key)
        values = {"status": result.status, "error": str(result.error), "detail": result.detail[:2000],
                  "pages": _pages(result, base), "last_seen_run": run}
        if link is None:
            link = BrokenLink(site=site, url=result.url, url_key=key, first_seen_run=run, broken_since_run=run, **values)
            created.append(link)
            fresh.append(link)
            continue
        for field, value in values.items():
            setattr(link, field, value)
        if link.fixed_in_run_id is not None:  # broken again
            link.fixed_in_run, link.broken_since_run, link.notified_items = None, run, []
            if not link.is_false_positive:
                fresh.append(link)
        updated.append(link)
    fixed = [link for key, link in existing.items() if key not in broken and link.fixed_in_run_id is None]
    for link in fixed:
        link.fixed_in_run, link.notified_items = run, []
    BrokenLink.objects.bulk_create(created, batch_size=500)
    BrokenLink.objects.bulk_update(updated + fixed, [
        "status", "error", "detail", "pages", "last_seen_run", "fixed_in_run", "broken_since_run", "notified_items"],
        batch_size=500)
    _tell_owners(run, [link for link in BrokenLink.objects.filter(site=site).current() if link.item_ids])
    run.state, run.finished_at = RunState.FINISHED, timezone.now()
    run.pages_crawled, run.links_found = report.pages_crawled, report.links_found
    run.addresses_found = run.addresses_done = len(report.results)
    run.broken_count = BrokenLink.objects.filter(site=site).current().count()
    run.new_count = sum(1 for link in fresh if not link.is_false_positive)
    run.fixed_count = sum(1 for link in fixed if not link.is_false_positive)
    run.skipped_count = len(report.skipped)
    run.save()
    log_action(run, "webhealth.run_finished", by=None, organ=site.organ, data={
        "broken": run.broken_count, "new": run.new_count, "fixed": run.fixed_count, "pages": run.pages_crawled})
    return run


def _tell_owners(run: Run, links: list[BrokenLink]) -> None:
    """Each item's owner (its author) is told once about each of its broken links, until the link is fixed."""
    from gongkai.notify.services import notify

    waiting: dict[int, list[BrokenLink]] = defaultdict(list)
    for link in links:
        for item_id in link.item_ids:
            if item_id not in link.notified_items:
                waiting[item_id].append(link)
    if not waiting:
        return
    items = Item.objects.filter(pk__in=list(waiting)).select_related("organ", "created_by")
    changed: dict[int, BrokenLink] = {}
    for item in items:
        found = waiting[item.pk]
        addresses = "\n".join(link.url for link in found[:20])
        notify(item.created_by, "message", {
            "title": _("Broken links in “%(title)s”") % {"title": item.title[:100]},
            "text": _("The link check of %(date)s found %(count)s broken links in the item “%(title)s”. Revise the item "
                      "(the revision goes through sign-off); the next check will find them fixed.\n%(addresses)s")
            % {"date": timezone.localdate(run.started_at or run.created_at), "count": len(found), "title": item.title,
               "addresses": addresses},
        }, organ=item.organ, link=reverse("workspace:item", kwargs={"pk": item.pk}), reference=f"item:{item.pk}")
        log_action(item, "webhealth.owner_told", by=None, organ=item.organ,
                   data={"run": run.pk, "links": [link.url[:300] for link in found[:20]]})
        for link in found:
            link.notified_items = sorted({*link.notified_items, item.pk})
            changed[link.pk] = link
    BrokenLink.objects.bulk_update(list(changed.values()), ["notified_items"], batch_size=500)
