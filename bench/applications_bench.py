"""Benchmarks of the applications register (依申请公开), issue 3:

1. the staff queue (running / overdue / due soon / waiting for me) under 8
   concurrent users — p50/p95 of the whole Django view (test client, in process);
2. recomputing running deadlines after a calendar change;
3. public submissions through the service with 8 threads — per second, none lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_applications_bench \\
        nice -n 10 .venv/bin/python bench/applications_bench.py 100000 [--seconds 20] [--label NAME]

Applications are generated straight into the real table (bulk_create), spread
over 50 organs: ~95 % closed over 2020–2026, ~5 % running with deadlines
around today. Results go to bench/results/applications-<label>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.applications import clock, services  # noqa: E402
from gongkai.applications.models import Application, Status  # noqa: E402
from gongkai.applications.taxonomy import ApplicantType, Outcome  # noqa: E402
from gongkai.applications.validators import resident_id_check_digit  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
ORGANS = 50
TOPICS = ["财政预算", "政府采购", "征地补偿", "环境影响评价", "行政处罚决定", "规划许可", "拆迁安置", "食品安全抽检",
          "教育经费", "医疗机构名录", "公租房分配", "道路建设项目", "扶贫资金", "企业补贴", "会议纪要"]


def person_id(n: int) -> str:
    first17 = f"440300{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def setup_organs():
    from gongkai.factories import member
    from gongkai.organs.models import Organ, OrganKind, Role

    organs, clerks = [], []
    for i in range(ORGANS):
        organ, _ = Organ.objects.get_or_create(
            slug=f"bench-app-{i:02d}", defaults={"name": f"基准测试机关{i:02d}", "code": f"BA{i:02d}", "kind": OrganKind.DEPARTMENT})
        clerk = organ.memberships.filter(role=Role.CLERK).select_related("user").first()
        clerks.append(clerk.user if clerk else member(organ, Role.CLERK, Role.DISCLOSURE_OFFICE))
        organs.append(organ)
    return organs, clerks


def generate(total: int, organs, clerks, seed: int = 1) -> None:
    existing = Application.objects.filter(organ__in=organs).count()
    if existing >= total:
        print(f"{existing:,} applications already there")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    calendar = clock.current()
    batch, made, started = [], existing, time.perf_counter()
    while made < total:
        i = made
        organ_index = i % ORGANS
        organ = organs[organ_index]
        running = rng.random() < 0.05
        received = today - dt.timedelta(days=rng.randint(0, 40)) if running else dt.date(2020, 1, 1) + dt.timedelta(
            days=rng.randint(0, (today - dt.date(2020, 1, 1)).days - 40))
        due = calendar.add_working_days(received, 20).due
        closed = None if running else received + dt.timedelta(days=rng.randint(1, 28))
        batch.append(Application(
            organ=organ, tracking_number=f"{organ.code}-B-{i:09d}", secret="0" * 64, channel="web",
            applicant_type=rng.choice(list(ApplicantType)).value, applicant_name=f"申请人{i}", id_type="resident_id",
            id_number=person_id(i % 200_000), phone="13800000000", subject=f"{rng.choice(TOPICS)}相关信息（第{i}号）",
            form_wanted="electronic", delivery_method="online", received_on=received, clock_start=received,
            status=rng.choice([Status.IN_PROGRESS, Status.RECEIVED, Status.CONSULTING]) if running else Status.CLOSED,
            outcome="" if running else rng.choice(list(Outcome)).value, closed_on=closed, due_on=due,
            due_explanation={"provisional": False}, assignee=clerks[organ_index] if running and rng.random() < 0.5 else None,
        ))
        made += 1
        if len(batch) >= 5000:
            Application.objects.bulk_create(batch)
            batch = []
            print(f"  {made:,} / {total:,} ({made / (time.perf_counter() - started):.0f}/s)", flush=True)
    if batch:
        Application.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE applications_application")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def bench_queue(clerks, seconds: float, users: int = 8) -> dict:
    views = ["running", "overdue", "soon", "mine"]
    timings: dict[str, list[float]] = {v: [] for v in views}
    errors = []
    stop = time.perf_counter() + seconds

    def user(n: int) -> None:
        client = Client()
        client.force_login(clerks[n % len(clerks)])
        k = n
        try:
            while time.perf_counter() < stop:
                view = views[k % len(views)]
                k += 1
                t = time.perf_counter()
                response = client.get(f"/workspace/applications/?view={view}")
                timings[view].append(time.perf_counter() - t)
                if response.status_code != 200:
                    errors.append(response.status_code)
        finally:
            connection.close()

    with override_settings(ALLOWED_HOSTS=["*"]):
        threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    every = [x for v in timings.values() for x in v]
    return {
        "users": users, "seconds": seconds, "errors": len(errors), "requests": len(every),
        "p50_ms": percentile(every, 50), "p95_ms": percentile(every, 95),
        "by_view": {v: {"requests": len(x), "p50_ms": percentile(x, 50), "p95_ms": percentile(x, 95)} for v, x in timings.items() if x},
    }


def bench_recompute() -> dict:
    """A day inside most running deadlines becomes a holiday; recompute what it can move, then undo it."""
    from gongkai.workdays.calendar import invalidate
    from gongkai.workdays.models import CalendarSource, DayOverride

    calendar = clock.current()
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    running = Application.objects.running().count()
    DayOverride.objects.update_or_create(date=day, defaults={"is_working": False, "name": "bench", "source": CalendarSource.MANUAL})
    invalidate()
    t = time.perf_counter()
    changed = services.recompute_running(dates=[day], reason="bench")
    elapsed = time.perf_counter() - t
    DayOverride.objects.filter(date=day).update(is_working=True)
    invalidate()
    t2 = time.perf_counter()
    restored = services.recompute_running(dates=[day], reason="bench undo")
    elapsed2 = time.perf_counter() - t2
    return {"running": running, "changed": changed, "seconds": elapsed, "restored": restored, "seconds_undo": elapsed2,
            "per_second": changed / elapsed if elapsed else 0}


def bench_submissions(organs, seconds: float, threads: int = 8) -> dict:
    from gongkai.applications.tests.factories import person_data

    counts = [0] * threads
    errors = []
    stop = time.perf_counter() + seconds
    before = Application.objects.count()

    def worker(n: int) -> None:
        try:
            k = 0
            while time.perf_counter() < stop:
                k += 1
                data = person_data(id_number=person_id(n * 100_000 + k), subject=f"并发提交测试{n}-{k}")
                try:
                    services.submit_application(organ=organs[(n + k) % len(organs)], channel="web", data=data,
                                                form_token=f"bench-{os.getpid()}-{n}-{k}-{time.time_ns()}")
                    counts[n] += 1
                except Exception as exc:  # counted and reported, never hidden
                    errors.append(repr(exc))
        finally:
            connection.close()

    t = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    elapsed = time.perf_counter() - t
    made = Application.objects.count() - before
    return {"threads": threads, "seconds": elapsed, "submitted": sum(counts), "stored": made,
            "per_second": made / elapsed, "errors": len(errors), "first_error": errors[0] if errors else ""}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("total", type=int)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    organs, clerks = setup_organs()
    t = time.perf_counter()
    generate(args.total, organs, clerks)
    print(f"generated in {time.perf_counter() - t:.0f} s")
    result = {
        "database": connection.vendor, "applications": Application.objects.count(), "organs": ORGANS,
        "finished_at": timezone.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
        "celery_eager": settings.CELERY_TASK_ALWAYS_EAGER,
    }
    result["queue"] = bench_queue(clerks, args.seconds)
    print("queue", json.dumps(result["queue"], ensure_ascii=False))
    result["recompute"] = bench_recompute()
    print("recompute", json.dumps(result["recompute"]))
    result["submissions"] = bench_submissions(organs, args.seconds)
    print("submissions", json.dumps(result["submissions"], ensure_ascii=False))
    result["load_average_at_end"] = list(os.getloadavg())
    RESULTS.mkdir(exist_ok=True)
    label = args.label or f"{connection.vendor}-{args.total}"
    (RESULTS / f"applications-{label}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    print(f"written bench/results/applications-{label}.json")


if __name__ == "__main__":
    main()
