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
from gongkai.webhealth.freshness import WARN_DAYS, Risk, risks
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


def claim_day(risk: Risk, today: dt.date) -> dt.date:
    """The day a warning of ``risk`` is claimed under: its breach day when it is known; for a veto standing since an
    unknown day (an empty column, messages over three months, failed probes) the Monday of this week, so it is told
    again once a week while it lasts."""
    if risk.breach_on < today or not risk.is_veto:
        return risk.breach_on
    return today - dt.timedelta(days=today.weekday())


def warn(today: dt.date | None = None) -> int:
    """Daily: tell about every risk breaching within ``WARN_DAYS`` days, or already a veto — each risk once per breach
    day (claimed by inserting its ``VetoWarning`` row), in one message per organ. Returns the risks told."""
    from gongkai.notify.services import notify_all

    today = today or timezone.localdate()
    organs = list(Organ.objects.active().order_by("path"))
    claimed: dict[int, list] = {}
    for risk in risks(organs, today, within=WARN_DAYS):
        try:
            with transaction.atomic():
                warning = VetoWarning.objects.create(organ=risk.organ, key=risk.key, breach_on=claim_day(risk, today))
        except IntegrityError:
            continue
        log_action(warning, "webhealth.veto_warned", by=None, organ=risk.organ,
                   data={"risk": risk.key, "breach_on": str(risk.breach_on), "days_left": risk.days_left})
        claimed.setdefault(risk.organ.pk, []).append(risk)
    for found in claimed.values():
        organ = found[0].organ
        people = _people(organ)
        if not people:
            continue
        soonest = min(risk.days_left for risk in found)
        title = (_("Veto in the website inspection: %(organ)s") if soonest <= 0
                 else _("Veto risk in %(days)s days: %(organ)s")) % {"organ": organ.name, "days": soonest}
        lines = [risk.label if risk.is_veto else _("In %(days)s days: %(risk)s") % {"days": risk.days_left, "risk": risk.label}
                 for risk in found]
        notify_all(people, "message", {"title": title, "text": "\n".join(lines)}, organ=organ,
                   link=reverse("webhealth_ws:organ", kwargs={"organ_id": organ.pk}), reference=f"webhealth:{organ.pk}")
    return sum(len(found) for found in claimed.values())
