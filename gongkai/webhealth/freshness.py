"""The veto watch (单项否决预警): what the government-website inspection fails a site for, measured before it
happens — columns idle past their threshold or empty (栏目不更新、空白栏目), valid messages unanswered for three
months (留言超过3个月未答复), and a public site failing more than 5 % of the probes of a rolling week (站点无法访问).

Reads only: ``column_freshness``, ``availability``, ``risks`` (each with the days left) and ``measures`` (the figures
for an evaluation module)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue.models import Category, Item
from gongkai.interaction.figures import VETO_MONTHS, months_before, unanswered_by_organ
from gongkai.organs.models import Organ, OrganKind
from gongkai.webhealth.models import BrokenLink, ColumnSetting, Probe

FAST_DAYS = 14  # the home page and news columns: two weeks
SLOW_DAYS = 183  # notices, policies and every other column: six months
FAST_WORDS = ("动态", "新闻", "要闻", "news")
AVAILABILITY_VETO = 0.05  # failed share of the probes of a rolling week
AVAILABILITY_WINDOW = dt.timedelta(days=7)
WARN_DAYS = 14  # a risk is shown, and told, this many days before it breaches


def default_threshold(category: Category | None) -> int:
    if category is None:
        return FAST_DAYS
    name = f"{category.name} {category.code}".lower()
    return FAST_DAYS if any(word in name for word in FAST_WORDS) else SLOW_DAYS


@dataclass
class Column:
    """One column of an organ (``category`` None: the column home page)."""

    name: str
    category: Category | None
    threshold_days: int
    configured: bool
    last_update: dt.date | None
    today: dt.date

    @property
    def is_empty(self) -> bool:
        return self.last_update is None

    @property
    def breach_on(self) -> dt.date | None:
        """The first day the column counts as idle, or None for an empty column (it already does)."""
        return self.last_update + dt.timedelta(days=self.threshold_days + 1) if self.last_update else None

    @property
    def days_left(self) -> int:
        return (self.breach_on - self.today).days if self.breach_on else 0

    @property
    def is_idle(self) -> bool:
        return self.is_empty or self.days_left <= 0


def column_items(organ: Organ) -> QuerySet[Item]:
    """The items the organ's public column shows: its own and, for a government, those of the organs below it
    marked for the portal."""
    published = Item.objects.published()
    if organ.kind != OrganKind.GOVERNMENT:
        return published.filter(organ=organ)
    below = Organ.objects.active().below(organ).exclude(pk=organ.pk).values("pk")
    return published.filter(Q(organ=organ) | Q(organ_id__in=below, on_portal=True))


def column_freshness(organ: Organ, today: dt.date | None = None) -> list[Column]:
    """The home page and every active category of the organ's column: last update, threshold, breach day."""
    today = today or timezone.localdate()
    items = column_items(organ)
    latest = {row["category_id"]: row["last"] for row in items.values("category_id").annotate(last=Max("published_at"))}
    home_latest = max(latest.values(), default=None)
    settings = {s.category_id: s.threshold_days for s in ColumnSetting.objects.filter(organ=organ)}

    def day(value: dt.datetime | None) -> dt.date | None:
        return timezone.localdate(value) if value else None

    columns = [Column(_("Home page"), None, settings.get(None, default_threshold(None)), None in settings,
                      day(home_latest), today)]
    for category in Category.objects.filter(is_active=True).order_by("sort", "name"):
        columns.append(Column(category.name, category, settings.get(category.pk, default_threshold(category)),
                              category.pk in settings, day(latest.get(category.pk)), today))
    return columns


@dataclass
class Availability:
    probes: int = 0
    failures: int = 0
    last_failure: str = ""

    @property
    def failure_share(self) -> float:
        return self.failures / self.probes if self.probes else 0.0

    @property
    def is_veto(self) -> bool:
        return self.probes > 0 and self.failure_share >= AVAILABILITY_VETO


def availability(organs: list[Organ], now: dt.datetime | None = None) -> dict[int, Availability]:
    """The probes of each organ's public pages over the rolling week before ``now``."""
    now = now or timezone.now()
    found = {organ.pk: Availability() for organ in organs}
    rows = (Probe.objects.filter(organ__in=organs, at__gt=now - AVAILABILITY_WINDOW, at__lte=now).values("organ_id")
            .annotate(n=Count("pk"), failed=Count("pk", filter=Q(ok=False))))
    for row in rows:
        found[row["organ_id"]].probes, found[row["organ_id"]].failures = row["n"], row["failed"]
    return found


@dataclass
class Risk:
    """A veto risk of one organ: what, how many days are left (0 or less: it is a veto now) and the day it breaches."""

    organ: Organ
    kind: str  # column_idle | column_empty | messages | availability
    key: str
    label: str
    days_left: int
    breach_on: dt.date

    @property
    def is_veto(self) -> bool:
        return self.days_left <= 0


def risks(organs: list[Organ], today: dt.date | None = None, *, within: int = WARN_DAYS) -> list[Risk]:
    """Every veto risk of ``organs`` that breaches within ``within`` days or already has, soonest first."""
    today = today or timezone.localdate()
    found: list[Risk] = []
    for organ in organs:
        for column in column_freshness(organ, today):
            key = f"column:{column.category.pk if column.category else 'home'}"
            if column.is_empty:
                found.append(Risk(organ, "column_empty", key, _("The column “%(column)s” is empty.")
                                  % {"column": column.name}, 0, today))
            elif column.days_left <= within:
                found.append(Risk(organ, "column_idle", key, _(
                    "The column “%(column)s” was last updated on %(day)s; it may go %(limit)s days without one.")
                    % {"column": column.name, "day": column.last_update, "limit": column.threshold_days},
                    column.days_left, column.breach_on or today))
    unanswered = unanswered_by_organ([organ.pk for organ in organs], today)
    seen = availability(organs)
    for organ in organs:
        messages = unanswered[organ.pk]
        if messages.over:
            found.append(Risk(organ, "messages", "messages", _(
                "%(count)s valid messages have been unanswered for more than three months.") % {"count": messages.over},
                0, today))
        elif messages.next_received_on is not None:
            breach = months_before(messages.next_received_on, -VETO_MONTHS) + dt.timedelta(days=1)
            if (breach - today).days <= within:
                found.append(Risk(organ, "messages", "messages", _(
                    "A valid message received on %(day)s is still unanswered.") % {"day": messages.next_received_on},
                    (breach - today).days, breach))
        probes = seen[organ.pk]
        if probes.is_veto:
            found.append(Risk(organ, "availability", "availability", _(
                "%(failed)s of %(probes)s probes of the public pages failed in the last seven days (%(share).1f%%).")
                % {"failed": probes.failures, "probes": probes.probes, "share": probes.failure_share * 100}, 0, today))
    return sorted(found, key=lambda risk: (risk.days_left, risk.organ.path, risk.key))


def measures(organ: Organ, today: dt.date | None = None) -> dict:
    """The organ's website-health figures, for an evaluation module: plain values, no model instances."""
    today = today or timezone.localdate()
    columns = column_freshness(organ, today)
    home = columns[0]
    probes = availability([organ])[organ.pk]
    messages = unanswered_by_organ([organ.pk], today)[organ.pk]
    broken = BrokenLink.objects.filter(site__organ=organ).current()
    return {
        "organ": organ.pk,
        "date": today.isoformat(),
        "home_last_update": home.last_update.isoformat() if home.last_update else None,
        "home_idle_days": (today - home.last_update).days if home.last_update else None,
        "columns": len(columns) - 1,
        "columns_empty": sum(1 for c in columns[1:] if c.is_empty),
        "columns_idle": sum(1 for c in columns[1:] if c.is_idle and not c.is_empty),
        "messages_unanswered_3_months": messages.over,
        "probes_7_days": probes.probes,
        "probe_failures_7_days": probes.failures,
        "availability_failure_share": round(probes.failure_share, 4),
        "broken_links": broken.count(),
        "veto": bool(home.is_idle or any(c.is_idle for c in columns) or messages.over or probes.is_veto),
    }

