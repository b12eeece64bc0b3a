"""The periodic side of the veto watch: the availability probe of the public pages (可用性监测) and the warning sent
to an organ's web administrator, and to the supervising disclosure office, before a risk breaches (预警)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.organs.models import Membership, Organ, OrganKind, Role
from gongkai.webhealth import checker
from gongkai.webhealth.freshness import WARN_DAYS, risks
from gongkai.webhealth.models import Probe, VetoWarning
from gongkai.webhealth.services import column_url, public_base


def probe_targets() -> list[tuple[Organ, str]]:
    """The key public pages: every active organ's column, and the portal home for the top governments."""
    targets = []
    for organ in Organ.objects.active().order_by("path"):
        if organ.parent_id is None:
            targets.append((organ, public_base() + "/"))
        targets.append((organ, column_url(organ)))
    return targets


def probe(now: dt.datetime | None = None) -> list[Probe]:
    """Fetch every key page once (soft 404s count as failures) and keep one ``Probe`` row per page."""
    now = now or timezone.now()
    targets = probe_targets()
    if not targets:
        return []
    limits = settings.WEBHEALTH_LIMITS
    report = checker.run(checker.Config(
        start_urls=[url for _organ, url in targets], max_pages=0, obey_robots=False, check_fragments=False,
        connect_timeout=limits["connect_timeout"], read_timeout=limits["read_timeout"], retries=1,
    ))
    rows = []
    for organ, url in targets:
        target = checker.normalise(url)
        result = report.results.get(target.url) if target else None
        ok = result is not None and result.error is None and result.status == 200
        detail = "" if ok else (f"{result.error}: {result.detail}" if result else "not checked")
        rows.append(Probe(organ=organ, url=url[:500], at=now, ok=ok, status=result.status if result else None,
                          detail=detail[:300], elapsed_ms=int((result.elapsed if result else 0) * 1000)))
    return Probe.objects.bulk_create(rows)


def _people(organ: Organ) -> list:
    """The organ's web administrators and the disclosure office of the government above it (the city office)."""
    from gongkai.accounts.models import User

    government = organ if organ.kind == OrganKind.GOVERNMENT and organ.parent_id is None else None
    for ancestor in reversed(list(organ.ancestors())):
        if ancestor.kind == OrganKind.GOVERNMENT:
            government = ancestor
            break
    memberships = Membership.objects.active().filter(organ=organ, role=Role.WEB_ADMIN)
    if government is not None:
        memberships = memberships | Membership.objects.active().filter(organ=government, role=Role.DISCLOSURE_OFFICE)
    return list(User.objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))


def warn(today: dt.date | None = None) -> int:
    """Daily: tell about every risk breaching within ``WARN_DAYS`` days, or already a veto — each risk once per breach
    day (claimed by inserting its ``VetoWarning`` row)."""
    from gongkai.notify.services import notify_all

    today = today or timezone.localdate()
    organs = list(Organ.objects.active().order_by("path"))
    told = 0
    for risk in risks(organs, today, within=WARN_DAYS):
        try:
            with transaction.atomic():
                warning = VetoWarning.objects.create(organ=risk.organ, key=risk.key, breach_on=risk.breach_on)
        except IntegrityError:
            continue
        log_action(warning, "webhealth.veto_warned", by=None, organ=risk.organ,
                   data={"risk": risk.key, "breach_on": str(risk.breach_on), "days_left": risk.days_left})
        people = _people(risk.organ)
        if people:
            title = (_("Veto in the website inspection: %(organ)s") if risk.is_veto
                     else _("Veto risk in %(days)s days: %(organ)s")) % {"organ": risk.organ.name, "days": risk.days_left}
            notify_all(people, "message", {"title": title, "text": risk.label}, organ=risk.organ,
                       link=reverse("webhealth_ws:organ", kwargs={"organ_id": risk.organ.pk}),
                       reference=f"webhealth:{risk.organ.pk}")
        told += 1
    return told
