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

The data is built once per (items, applications, organs, body length) and
reused on the next run (organs are named bench-<n>); --rebuild is not offered
because nothing is ever deleted: use a fresh database instead. --body-chars 1265
gives items bodies as long as a real site's (and so a heap as wide); closed
cases get a draft reply (PostgreSQL only).

Measured: the report (3×), the checks, the government report over every organ
(2×), the dashboard data, and the dashboard page with its cache cold (month
counts current), warm, with one month to recount (items and applications), and
across all organs (the first time, then cold) — each with wall time, the
CPU of this process and of its PostgreSQL backend, and the load average.
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
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.accounts.models import User  # noqa: E402
from gongkai.applications.models import Appeal, Application, Reply, Status  # noqa: E402
from gongkai.applications.taxonomy import APPLICANT_COLUMNS, AppealKind, AppealResult, Outcome  # noqa: E402
from gongkai.catalogue.models import Category, Item, ItemState, Topic, Validity  # noqa: E402
from gongkai.organs.models import Membership, Organ, OrganKind, Role  # noqa: E402
from gongkai.reports import checks, services, stats  # noqa: E402

YEAR = 2025
BATCH = 5000
CLK = os.sysconf("SC_CLK_TCK")

# Bodies as wide as real ones (docs/performance.md: 317–2,912 characters, mean ~1,265), so that a
# plan reading the item table's heap costs here what it costs on a real catalogue.
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步做好政府信息公开工作，结合本市实际，制定本方案。",
    "各镇人民政府、街道办事处，市直各有关单位要高度重视，加强组织领导，明确责任分工，确保各项任务落到实处。",
    "坚持以人民为中心的发展思想，统筹发展和安全，着力解决群众急难愁盼问题。",
    "对工作中发现的问题，要建立台账、限期整改，实行销号管理，整改情况于每季度末报送市政府办公室。",
    "本办法自发布之日起施行，有效期五年。此前有关规定与本办法不一致的，以本办法为准。",
    "市财政局按照有关规定安排专项资金，加强资金绩效管理，提高资金使用效益。",
    "各有关部门要加强宣传引导，通过政府网站、政务新媒体等渠道及时发布政策信息，主动回应社会关切。",
    "申请人应当如实提交申请材料，并对材料的真实性负责。受理部门应当在规定时限内作出决定。",
]


def bodies(rnd, chars: int) -> list[str]:
    if not chars:
        return [""]
    out = []
    for _ in range(200):
        target = max(int(rnd.gauss(chars, chars / 2)), 300)
        text = ""
        while len(text) < target:
            text += rnd.choice(SENTENCES)
        out.append(text)
    return out


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


def build(n_items: int, n_apps: int, n_organs: int, other_items: int, other_apps: int, body_chars: int = 0):
    tag = f"bench-{n_items}-{n_apps}-{n_organs}" + (f"-b{body_chars}" if body_chars else "")
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
    texts = bodies(rnd, body_chars)
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
            text = texts[k % len(texts)]
            batch.append(Item(
                organ=organ, title=f"文件{k}", topic=rnd.choice(topics),
                body=f"<p>{text}</p>" if text else "", body_text=text,
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
                internal_due_on=received + dt.timedelta(days=14),
            ))
            if len(batch) == BATCH:
                Application.objects.bulk_create(batch)
                batch = []
        Application.objects.bulk_create(batch)
        # A draft reply for most closed cases, made 3–25 days after receipt (the internal target is 14).
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Reply._meta.db_table} (application_id, version, outcome, legal_basis, body, documents_provided,"
                " other_organ, status, content_hash, created_by_id, created_at)"
                f" SELECT id, 1, outcome, '《政府信息公开条例》第二十七条', '经审查，现答复如下。', '', '', 'sent', repeat('0', 64), %s,"
                f" ((received_on + (3 + id %% 23)::int) + time '02:00') AT TIME ZONE 'UTC' FROM {Application._meta.db_table}"
                " WHERE organ_id = %s AND closed_on IS NOT NULL AND id %% 10 <> 0",
                [author.pk, organ.pk],
            ) if connection.vendor == "postgresql" else None
        # Written behind the models' backs (bulk_create tells on commit, raw SQL does not): the organ's
        # month counts are recounted on the next dashboard.
        stats.items_changed(organ.pk)
        stats.applications_changed(organ.pk)
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
    parser.add_argument("--body-chars", type=int, default=0,
                        help="mean body length of the generated items (real catalogues: ~1265); 0 = title only")
    args = parser.parse_args()
    ensure_migrated()
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
    t0 = time.perf_counter()
    with transaction.atomic():
        government, organs = build(args.items, args.applications, args.organs, args.other_items, args.other_applications,
                                   args.body_chars)
    print(f"data ready in {time.perf_counter() - t0:.1f}s")
    big = organs[0]
    clerk = person(f"bench-clerk-{big.pk}", big, Role.DISCLOSURE_OFFICE)
    supervisor = person(f"bench-sup-{government.pk}", government, Role.DISCLOSURE_OFFICE)
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    def cpu():
        """(this process, its PostgreSQL backend) CPU seconds."""
        if backend is None:
            return time.process_time(), 0.0
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return time.process_time(), (int(fields[11]) + int(fields[12])) / CLK

    loads = [os.getloadavg()[0]]

    def measured(fn, repeat):
        before = cpu()
        result, times = timed(fn, repeat=repeat)
        after = cpu()
        loads.append(os.getloadavg()[0])
        return result, times, {"python_cpu_s_each": round((after[0] - before[0]) / repeat, 3),
                               "backend_cpu_s_each": round((after[1] - before[1]) / repeat, 3)}

    from django.core.cache import cache

    from gongkai.reports.models import ItemMonth

    # The dashboard's month counts as a fresh database has them: none yet (the data was bulk-loaded); on a
    # database built before, those of the months marked changed since. Every later figure has them current
    # (the "cold" page is the page with the dashboard cache emptied, not the month counts).
    first_ever, first_ever_times, first_ever_cpu = measured(lambda: stats.dashboard([big.pk], YEAR, across=False), 1)
    report, generate_times, generate_cpu = measured(lambda: services.generate(big, YEAR, by=clerk), 3)
    _findings, check_times, _c = measured(lambda: checks.run(report), 3)
    _gov, aggregate_times, aggregate_cpu = measured(
        lambda: services.build_government_report(government, YEAR, by=supervisor), 2)
    _charts, stats_times, stats_cpu = measured(lambda: stats.dashboard([big.pk], YEAR, across=False), args.dashboard_runs)
    client = Client()
    client.force_login(clerk)
    url = f"/workspace/reports/statistics/?organ={big.pk}&year={YEAR}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def cold_page():
        cache.clear()  # the page cache and the dashboard cache both empty
        return page()

    _page, cold_times, cold_cpu = measured(cold_page, args.dashboard_runs)
    _page, warm_times, warm_cpu = measured(page, args.dashboard_runs)

    # After one item and one application of the big organ change, their month is recounted on the next (cold) page.
    def one_month_stale():
        ItemMonth.objects.filter(organ=big, month=dt.date(YEAR, 6, 1)).update(changes=F("changes") + 1)
        stats.applications_changed(big.pk, [dt.date(YEAR, 6, 1)])
        return cold_page()

    _page, stale_times, stale_cpu = measured(one_month_stale, max(args.dashboard_runs // 2, 1))
    gov_url = f"/workspace/reports/statistics/?year={YEAR}"
    sup_client = Client()
    sup_client.force_login(supervisor)

    def across_page():
        cache.clear()
        response = sup_client.get(gov_url)
        assert response.status_code == 200, response.status_code

    # The first page across organs counts the months of the organs not counted yet; then as the others.
    _page, across_first_times, across_first_cpu = measured(across_page, 1)
    _page, across_times, across_cpu = measured(across_page, max(args.dashboard_runs // 4, 1))
    figures = {
        "database": connection.vendor,
        "items_big_organ": Item.objects.filter(organ=big).count(),
        "body_chars_mean": args.body_chars,
        "applications_big_organ_in_year": Application.objects.filter(organ=big, received_on__year=YEAR).count(),
        "organs": len(organs),
        "report_generate_s": {"median": statistics.median(generate_times), "max": max(generate_times), **generate_cpu},
        "checks_s": {"median": statistics.median(check_times)},
        "government_aggregation_s": {"median": statistics.median(aggregate_times), "max": max(aggregate_times), **aggregate_cpu},
        "dashboard_first_ever_ms": {"wall": first_ever_times[0] * 1000, **first_ever_cpu},
        "dashboard_data_p95_ms": {"p95": p95(stats_times) * 1000, **stats_cpu},
        "dashboard_page_cold_ms": {"p95": p95(cold_times) * 1000, "median": statistics.median(cold_times) * 1000, **cold_cpu},
        "dashboard_page_warm_ms": {"p95": p95(warm_times) * 1000, "median": statistics.median(warm_times) * 1000, **warm_cpu},
        "dashboard_page_one_month_stale_ms": {"p95": p95(stale_times) * 1000, **stale_cpu},
        "dashboard_page_all_organs_first_ms": {"wall": across_first_times[0] * 1000, **across_first_cpu},
        "dashboard_page_all_organs_cold_ms": {"p95": p95(across_times) * 1000, **across_cpu},
        "load_average": {"min": min(loads), "max": max(loads), "samples": loads},
        "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "targets": {"report_generate_s": 2, "government_aggregation_s": 10, "dashboard_page_p95_ms": 300},
    }
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"report_bench-{connection.vendor}-{args.items}.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
