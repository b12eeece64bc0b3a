"""Link checking in the platform (链接检查): the sites of an organ, runs on demand and on a schedule — one at a time per
site —, and false positives. The web administrator (网站管理员) of the organ manages them; whoever may read the organ's
records reads the results.

A run is queued (``request_run``), claimed by the job with a conditional UPDATE (``execute_run``), crawled by the
checker in a worker thread while this thread writes its progress, and recorded (``recording.record``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, NotAllowed
from gongkai.organs.models import Organ, Role
from gongkai.organs.permissions import has_role
from gongkai.webhealth import checker
from gongkai.webhealth.models import BrokenLink, ColumnSetting, Run, RunState, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from gongkai.accounts.models import User
    from gongkai.catalogue.models import Category

log = logging.getLogger(__name__)

MANAGERS = (Role.WEB_ADMIN,)  # who manages an organ's sites, runs, false positives and column thresholds
PROGRESS_SECONDS = 2.0


def may_manage(user: User | AnonymousUser, organ: Organ) -> bool:
    return has_role(user, organ, *MANAGERS)


def require_manager(user: User | AnonymousUser, organ: Organ) -> None:
    if not may_manage(user, organ):
        raise NotAllowed(_("Only the web administrator of %(organ)s may do this.") % {"organ": organ.name})


def public_base() -> str:
    return str(settings.PUBLIC_SITE_URL).rstrip("/")


def column_url(organ: Organ) -> str:
    """The organ's public column on this platform, as the public reaches it."""
    return f"{public_base()}/{organ.slug}/"


def own_site(organ: Organ) -> Site:
    """The site of the organ's own column (made on first use; its address follows ``PUBLIC_SITE_URL``)."""
    site = Site.objects.filter(organ=organ, is_own_column=True).first()
    url = column_url(organ)
    if site is None:
        site, _created = Site.objects.get_or_create(
            organ=organ, start_url=url, defaults={"name": _("Disclosure column"), "is_own_column": True})
    elif site.start_url != url:
        site.start_url = url
        site.save(update_fields=["start_url"])
    return site


def sites_of(organ: Organ) -> list[Site]:
    own_site(organ)
    return list(Site.objects.filter(organ=organ, is_active=True))


def add_site(organ: Organ, *, by: User, name: str, url: str) -> Site:
    """A further site the organ names (its old site, a subject site), checked like its column."""
    require_manager(by, organ)
    name, url = name.strip(), url.strip()
    if not name:
        raise DomainError(_("Name: give the site a name."), field="name")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise DomainError(_("Start address: give a whole web address starting with http:// or https://."),
                          field="start_url") from None
    if Site.objects.filter(organ=organ, start_url=url).exists():
        raise DomainError(_("Start address: this site is already checked."), field="start_url")
    site = Site.objects.create(organ=organ, name=name[:100], start_url=url, added_by=by)
    log_action(site, "webhealth.site_added", by=by, organ=organ, data={"url": url})
    return site


# --- runs ---------------------------------------------------------------------------------------------------------


def request_run(site: Site, *, by: User | None = None) -> Run:
    """Queue a run of ``site`` (``by`` None: the schedule). Refused while another run of the site is queued or
    running: the database holds one active run per site."""
    if by is not None:
        require_manager(by, site.organ)
    try:
        with transaction.atomic():
            run = Run.objects.create(site=site, started_by=by)
    except IntegrityError:
        raise DomainError(_("A check of %(site)s is already under way; wait until it ends.") % {"site": site.name},
                          code="conflict") from None
    log_action(run, "webhealth.run_requested", by=by, organ=site.organ, data={"site": site.pk})
    from gongkai.core.tasks import enqueue
    from gongkai.webhealth.tasks import run_link_check

    enqueue(run_link_check, run.pk)
    return run


def config_for(site: Site) -> checker.Config:
    """What a run of ``site`` checks, within the limits of the settings."""
    limits = settings.WEBHEALTH_LIMITS
    return checker.Config(
        start_urls=[site.start_url],
        max_pages=int(limits["max_pages"]),
        connect_timeout=limits["connect_timeout"],
        read_timeout=limits["read_timeout"],
        retries=int(limits["retries"]),
        per_host_concurrency=int(limits["per_host_concurrency"]),
        politeness_delay=limits["politeness_delay"],
    )


def _claim(run_id: int) -> bool:
    return bool(Run.objects.filter(pk=run_id, state=RunState.QUEUED).update(state=RunState.RUNNING,
                                                                          started_at=timezone.now()))


def _write_progress(run: Run, report: checker.Report) -> None:
    Run.objects.filter(pk=run.pk, state=RunState.RUNNING).update(
        pages_crawled=report.pages_crawled, addresses_found=len(report.results), addresses_done=report.done,
        links_found=report.links_found)


def crawl_with_progress(run: Run, config: checker.Config) -> checker.Report:
    """The crawl in a worker thread (its own event loop); this thread writes the progress every few seconds, as
    the database may only be used from here."""
    report = checker.Report()
    outcome: dict[str, BaseException] = {}

    def work() -> None:
        try:
            asyncio.run(checker.crawl(config, report))
        except BaseException as exc:  # noqa: BLE001 — handed back to the thread that records the run
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"webhealth-run-{run.pk}", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(PROGRESS_SECONDS)
        _write_progress(run, report)
    if "error" in outcome:
        raise outcome["error"]
    return report


def execute_run(run_id: int) -> Run | None:
    """Claim a queued run, crawl and check its site, record what it found. A run already claimed (a second
    worker, a rerun) is left alone: returns None."""
    from gongkai.webhealth.recording import record

    if not _claim(run_id):
        return None
    run = Run.objects.select_related("site", "site__organ").get(pk=run_id)
    try:
        report = crawl_with_progress(run, config_for(run.site))
        with transaction.atomic():
            record(run, report)
    except Exception as exc:
        log.exception("link-check run %s failed", run_id)
        Run.objects.filter(pk=run_id).update(state=RunState.FAILED, finished_at=timezone.now(),
                                             error=f"{type(exc).__name__}: {exc}"[:2000])
        run.refresh_from_db()
        log_action(run, "webhealth.run_failed", by=None, organ=run.site.organ, data={"error": run.error[:300]})
        return run
    run.refresh_from_db()
    return run


def fail_stale_runs(now: dt.datetime | None = None) -> int:
    """Runs left running or queued by a worker that died: failed after ``WEBHEALTH_STALE_HOURS``, so the site can be
    checked again."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=settings.WEBHEALTH_STALE_HOURS)
    stale = Run.objects.active().filter(Q(started_at__lt=limit) | Q(started_at__isnull=True, created_at__lt=limit))
    count = 0
    for run in stale.select_related("site__organ"):
        if Run.objects.filter(pk=run.pk, state=run.state).update(state=RunState.FAILED, finished_at=now,
                                                                error=_("Stopped: no progress for too long.")):
            log_action(run, "webhealth.run_failed", by=None, organ=run.site.organ, data={"error": "stale"})
            count += 1
    return count


def schedule_runs(now: dt.datetime | None = None) -> int:
    """Periodic: queue a run of every active site whose last run is older than ``WEBHEALTH_CHECK_EVERY_HOURS``
    (and of every organ's own column, made on first use)."""
    now = now or timezone.now()
    fail_stale_runs(now)
    for organ in Organ.objects.active():
        own_site(organ)
    since = now - dt.timedelta(hours=settings.WEBHEALTH_CHECK_EVERY_HOURS)
    recent = Run.objects.filter(Q(created_at__gte=since) | Q(state__in=[RunState.QUEUED, RunState.RUNNING]))
    due = Site.objects.filter(is_active=True, organ__is_active=True).exclude(pk__in=recent.values("site_id"))
    count = 0
    for site in due.select_related("organ"):
        try:
            request_run(site, by=None)
        except DomainError:
            continue
        count += 1
    return count


# --- false positives ------------------------------------------------------------------------------------------------


def mark_false_positive(link: BrokenLink, *, by: User, reason: str) -> BrokenLink:
    """误报: the address works (it refuses robots, needs a sign-in …); remembered for every later run."""
    require_manager(by, link.site.organ)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Reason: say why this link is not broken."), field="reason")
    with transaction.atomic():
        link = BrokenLink.objects.select_for_update().get(pk=link.pk)
        link.is_false_positive, link.false_positive_reason = True, reason[:300]
        link.marked_by, link.marked_at = by, timezone.now()
        link.save(update_fields=["is_false_positive", "false_positive_reason", "marked_by", "marked_at"])
        log_action(link, "webhealth.false_positive", by=by, organ=link.site.organ, reason=reason,
                   data={"url": link.url[:500]})
    return link


def unmark_false_positive(link: BrokenLink, *, by: User, reason: str = "") -> BrokenLink:
    require_manager(by, link.site.organ)
    with transaction.atomic():
        link = BrokenLink.objects.select_for_update().get(pk=link.pk)
        link.is_false_positive = False
        link.save(update_fields=["is_false_positive"])
        log_action(link, "webhealth.false_positive_removed", by=by, organ=link.site.organ, reason=reason,
                   data={"url": link.url[:500]})
    return link


# --- column thresholds ----------------------------------------------------------------------------------------------


def set_threshold(organ: Organ, *, by: User, category: Category | None, days: int) -> ColumnSetting:
    """How many days a column (``category`` None: the column home page) may go without an update."""
    require_manager(by, organ)
    if not 1 <= days <= 3660:
        raise DomainError(_("Days: give a number from 1 to 3660."), field="days")
    with transaction.atomic():
        setting = ColumnSetting.objects.select_for_update().filter(organ=organ, category=category).first()
        before = setting.threshold_days if setting else None
        if setting is None:
            setting = ColumnSetting(organ=organ, category=category)
        setting.threshold_days, setting.changed_by = days, by
        setting.save()
        log_action(setting, "webhealth.threshold_changed", by=by, organ=organ,
                   data={"column": category.name if category else "home", "from": before, "to": days})
    return setting


def host_of(url: str) -> str:
    return urlsplit(url).netloc
