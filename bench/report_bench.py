"""Benchmark of the annual report (issue 4, docs/performance.md).

Targets, on PostgreSQL: for an organ with 1,000,000 catalogue items and
200,000 applications in the year, the full report (tables + checks) in ≤ 2 s;
the government-wide aggregation over 50 organs in ≤ 10 s; the dashboard page
p95 ≤ 300 ms.

Runs against the database in DATABASE_URL (use a dedicated one: it writes
data). Smaller N for a quick run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench \\
      .venv/bin/python bench/report_bench.py --items 1000000 --applications 200000 --organs 50

    .venv/bin/python bench/report_bench.py --items 20000 --applications 5000 --organs 5   # SQLite, quick

The data is built once per (items, applications, organs) and reused on the
next run (organs are named bench-<n>); --rebuild is not offered because
nothing is ever deleted: use a fresh database instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.accounts.models import User  # noqa: E402
from gongkai.applications.models import Appeal, Application, Status  # noqa: E402
from gongkai.applications.taxonomy import APPLICANT_COLUMNS, AppealKind, AppealResult, Outcome  # noqa: E402
from gongkai.catalogue.models import Category, Item, ItemState, Topic, Validity  # noqa: E402
from gongkai.organs.models import Membership, Organ, OrganKind, Role  # noqa: E402
from gongkai.reports import checks, services, stats  # noqa: E402

YEAR = 2025
BATCH = 5000


def ensure_migrated():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def person(username, organ, *roles):
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if created:
        user.set_password("bench-pass-1")
        user.save()
    for role in roles:
        Membership.objects.get_or_create(user=user, organ=organ, role=role)
    return user


def build(n_items: int, n_apps: int, n_organs: int, other_items: int, other_apps: int):
    tag = f"bench-{n_items}-{n_apps}-{n_organs}"
    stable = zlib.crc32(tag.encode())  # hash() differs between runs
    government, created = Organ.objects.get_or_create(
        name=f"{tag} 人民政府", defaults={"slug": f"g{stable}", "code": f"G{tag}", "kind": OrganKind.GOVERNMENT}
    )
    organs = list(Organ.objects.filter(parent=government).order_by("pk"))
    if not created and len(organs) == n_organs:
        return government, organs
    rnd = random.Random(4)
    author = person(f"{tag}-author", government, Role.CLERK)
    topics = list(Topic.objects.all()[:20])
    categories = list(Category.objects.all())
    doc_categories = [c for c in categories if c.annual_report_row]
    for i in range(len(organs), n_organs):
        organs.append(Organ.objects.create(name=f"{tag} 部门{i}", slug=f"b{stable}-{i}", code=f"B{tag}-{i}", parent=government))
    start = dt.date(YEAR - 1, 1, 1)
    for index, organ in enumerate(organs):
        items = n_items if index == 0 else other_items
        apps = n_apps if index == 0 else other_apps
        t0 = time.perf_counter()
        batch = []
        for k in range(items):
            formed = start + dt.timedelta(days=rnd.randrange(730))
            is_doc = rnd.random() < 0.05
            repealed = is_doc and rnd.random() < 0.1
            batch.append(Item(
                organ=organ, title=f"文件{k}", topic=rnd.choice(topics),
                category=rnd.choice(doc_categories if is_doc else categories), date_formed=formed,
                validity=Validity.REPEALED if repealed else Validity.IN_FORCE,
                validity_changed_on=formed + dt.timedelta(days=200) if repealed else None,
                state=ItemState.PUBLISHED,
                published_at=timezone.make_aware(dt.datetime.combine(formed + dt.timedelta(days=3), dt.time(9))),
                created_by=author,
            ))
            if len(batch) == BATCH:
                Item.objects.bulk_create(batch)
                batch = []
        Item.objects.bulk_create(batch)
        batch = []
        outcomes = [o.value for o in Outcome]
        for k in range(apps):
            received = dt.date(YEAR, 1, 1) + dt.timedelta(days=rnd.randrange(365))
            closed = received + dt.timedelta(days=rnd.randrange(40)) if rnd.random() < 0.95 else None
            batch.append(Application(
                organ=organ, tracking_number=f"{organ.pk}-{k}", secret="0" * 64, channel="web",
                applicant_type=rnd.choice(APPLICANT_COLUMNS), applicant_name="申请人", id_type="resident_id", id_number="x",
                subject="申请", form_wanted="electronic", delivery_method="email", received_on=received,
                closed_on=closed, outcome=rnd.choice(outcomes) if closed else "",
                status=Status.CLOSED if closed else Status.IN_PROGRESS, due_on=received + dt.timedelta(days=28),
            ))
            if len(batch) == BATCH:
                Application.objects.bulk_create(batch)
                batch = []
        Application.objects.bulk_create(batch)
        Appeal.objects.bulk_create([
            Appeal(organ=organ, kind=rnd.choice(list(AppealKind)), result=rnd.choice(list(AppealResult)),
                   filed_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rnd.randrange(365)), decided_on=dt.date(YEAR, 12, 1))
            for _ in range(max(apps // 200, 1))
        ])
        print(f"  organ {index}: {items} items, {apps} applications in {time.perf_counter() - t0:.1f}s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return government, organs


def timed(fn, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return result, times


def p95(values):
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20000, help="catalogue items of the big organ (target: 1000000)")
    parser.add_argument("--applications", type=int, default=5000, help="applications of the big organ in the year (target: 200000)")
    parser.add_argument("--organs", type=int, default=5, help="organs below the government (target: 50)")
    parser.add_argument("--other-items", type=int, default=2000, help="items of each other organ")
    parser.add_argument("--other-applications", type=int, default=500, help="applications of each other organ")
    parser.add_argument("--dashboard-runs", type=int, default=20)
    args = parser.parse_args()
    ensure_migrated()
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    t0 = time.perf_counter()
    with transaction.atomic():
        government, organs = build(args.items, args.applications, args.organs, args.other_items, args.other_applications)
    print(f"data ready in {time.perf_counter() - t0:.1f}s")
    big = organs[0]
    clerk = person(f"bench-clerk-{big.pk}", big, Role.DISCLOSURE_OFFICE)
    supervisor = person(f"bench-sup-{government.pk}", government, Role.DISCLOSURE_OFFICE)

    report, generate_times = timed(lambda: services.generate(big, YEAR, by=clerk), repeat=3)
    _findings, check_times = timed(lambda: checks.run(report), repeat=3)
    _gov, aggregate_times = timed(lambda: services.build_government_report(government, YEAR, by=supervisor), repeat=2)
    _charts, stats_times = timed(lambda: stats.dashboard([big.pk], YEAR, across=False), repeat=args.dashboard_runs)
    from django.core.cache import cache

    cache.clear()
    client = Client()
    client.force_login(clerk)
    url = f"/workspace/reports/statistics/?organ={big.pk}&year={YEAR}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    _page, page_times = timed(page, repeat=args.dashboard_runs)
    figures = {
        "database": connection.vendor,
        "items_big_organ": Item.objects.filter(organ=big).count(),
        "applications_big_organ_in_year": Application.objects.filter(organ=big, received_on__year=YEAR).count(),
        "organs": len(organs),
        "report_generate_s": {"median": statistics.median(generate_times), "max": max(generate_times)},
        "checks_s": {"median": statistics.median(check_times)},
        "government_aggregation_s": {"median": statistics.median(aggregate_times), "max": max(aggregate_times)},
        "dashboard_uncached_p95_ms": p95(stats_times) * 1000,
        "dashboard_page_first_ms": page_times[0] * 1000,
        "dashboard_page_p95_ms": p95(page_times) * 1000,
        "targets": {"report_generate_s": 2, "government_aggregation_s": 10, "dashboard_page_p95_ms": 300},
    }
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"report_bench-{connection.vendor}-{args.items}.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
