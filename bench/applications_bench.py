"""Benchmarks of the applications register (依申请公开), issue 3, measured the way it is used:

1. the staff queue (running / overdue / due soon / waiting for me): ``wrk`` at 8 connections against a real
   gunicorn, one signed-in clerk session per connection, p50/p95/p99 per view;
2. recomputing running deadlines after a calendar change (in process, on the bench database);
3. public submissions: 8 processes each GET the public form (CSRF cookie/token, form token) and POST it
   against gunicorn; accepted responses are compared with the rows stored (none lost).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_apps REDIS_URL=redis://127.0.0.1:6379/6 DEBUG=0
    nice -n 10 .venv/bin/python bench/applications_bench.py 1000000 --only generate
    .venv/bin/gunicorn gongkai.wsgi -w 2 -b 127.0.0.1:8110 &      # same environment; stop it afterwards
    nice -n 10 .venv/bin/python bench/applications_bench.py 1000000 --only queue|recompute|submissions --label 1m

Applications are generated on PostgreSQL with one INSERT … SELECT over generate_series, spread over 50
organs: ~95 % closed over 2020–2026, ~5 % running received in the last 40 days, deadlines computed with the
real calendar. Results are merged into bench/results/applications-<label>.json. Details: docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
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
    """Fill the table on PostgreSQL with one INSERT … SELECT over generate_series
    (no Python per row): the deadlines of every receipt date are computed once
    with the real calendar into a temporary table and joined in."""
    existing = Application.objects.filter(organ__in=organs).count()
    if existing >= total:
        print(f"{existing:,} applications already there")
        return
    if connection.vendor != "postgresql":
        raise SystemExit("the generator needs PostgreSQL (DATABASE_URL)")
    today = timezone.localdate()
    calendar = clock.current()
    first = dt.date(2020, 1, 1)
    dates = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
    organ_rows = [(i, o.pk, o.code, clerks[i].pk, o.draft_reply_days) for i, o in enumerate(organs)]
    internal_days = sorted({row[4] for row in organ_rows})
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_dates; CREATE TEMP TABLE bench_dates "
                       "(n int, d date, due date, notice date, internal_days int, internal date)")
        rows = []
        for n, d in enumerate(dates):
            due, notice = calendar.add_working_days(d, 20).due, calendar.add_working_days(d, 7).due
            for k in internal_days:
                rows.append((n, d, due, notice, k, calendar.add_working_days(d, k).due))
        cursor.executemany("INSERT INTO bench_dates VALUES (%s, %s, %s, %s, %s, %s)", rows)
        cursor.execute("DROP TABLE IF EXISTS bench_organs; CREATE TEMP TABLE bench_organs "
                       "(i int, organ_id bigint, code text, clerk_id bigint, internal_days int)")
        cursor.executemany("INSERT INTO bench_organs VALUES (%s, %s, %s, %s, %s)", organ_rows)
        span = len(dates) - 41
        t = time.perf_counter()
        cursor.execute(f"""
            SELECT setseed(0.{seed});
            INSERT INTO applications_application (
                tracking_number, secret, channel, external_reference, applicant_type, applicant_name, id_type, id_number,
                contact_person, phone, email, address, postcode, subject, document_number, description, purpose,
                form_wanted, delivery_method, submitted_at, received_on, receipt_note, status, outcome, closed_on,
                clock_start, due_on, due_explanation, internal_due_on, correction_notice_due_on, correction_text,
                correction_response, extension_days, extension_reason, is_petition_suspected, is_volume_flagged,
                delivered_via, delivery_reference, updated_at, organ_id, assignee_id)
            SELECT o.code || '-B-' || lpad(g.i::text, 9, '0'), repeat('0', 64), 'web', '',
                   (%(types)s::text[])[1 + g.i %% cardinality(%(types)s::text[])], '申请人' || g.i, 'resident_id', '440300' || lpad(g.i::text, 12, '0'),
                   '', '13800000000', '', '', '', (%(topics)s::text[])[1 + g.i %% cardinality(%(topics)s::text[])] || '相关信息（第' || g.i || '号）', '', '', '',
                   'electronic', 'online', d.d::timestamptz + interval '9 hours', d.d, '',
                   CASE WHEN g.running THEN (%(running)s::text[])[1 + g.i %% 3] ELSE 'closed' END,
                   CASE WHEN g.running THEN '' ELSE (%(outcomes)s::text[])[1 + g.i %% cardinality(%(outcomes)s::text[])] END,
                   CASE WHEN g.running THEN NULL ELSE d.d + (1 + g.i %% 28) END,
                   d.d, d.due, '{{"provisional": false}}'::jsonb, d.internal, d.notice, '', '', 0, '', false, false, '', '',
                   now(), o.organ_id, CASE WHEN g.running AND g.i %% 2 = 0 THEN o.clerk_id END
            FROM (SELECT i, random() < 0.05 AS running, random() AS r FROM generate_series(%(start)s, %(stop)s) AS i) AS g
            JOIN bench_organs o ON o.i = g.i %% {ORGANS}
            JOIN bench_dates d ON d.internal_days = o.internal_days
                 AND d.n = CASE WHEN g.running THEN {len(dates) - 1} - floor(g.r * 41)::int ELSE floor(g.r * {span})::int END
        """, {"types": [t.value for t in ApplicantType], "topics": TOPICS, "outcomes": [o.value for o in Outcome],
              "running": [Status.IN_PROGRESS.value, Status.RECEIVED.value, Status.CONSULTING.value],
              "start": existing, "stop": total - 1})
        print(f"inserted {total - existing:,} rows in {time.perf_counter() - t:.0f} s", flush=True)
        cursor.execute("ANALYZE applications_application")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


WRK_LUA = """
local cookies = {%(cookies)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("cookie", cookies[(counter - 1) %% #cookies + 1])
end
function init(args)
  wrk.headers["Cookie"] = "sessionid=" .. cookie
end
function request()
  return wrk.format("GET", "%(path)s")
end
function done(summary, latency, requests)
  io.write(string.format("JSON {\\"requests\\": %%d, \\"non2xx\\": %%d, \\"errors\\": %%d, \\"p50_ms\\": %%.1f, \\"p95_ms\\": %%.1f, \\"p99_ms\\": %%.1f, \\"max_ms\\": %%.1f, \\"per_second\\": %%.1f}\\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6)))
end
"""


def bench_queue(clerks, seconds: float, url: str, connections: int = 8) -> dict:
    """wrk against a real gunicorn: ``connections`` signed-in clerks (one session each) per queue view."""
    import subprocess
    import tempfile

    cookies = []
    for n in range(connections):
        client = Client()
        client.force_login(clerks[n % len(clerks)])
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    result = {"tool": "wrk", "url": url, "connections": connections, "seconds": seconds, "by_view": {}}
    for view in ["running", "overdue", "soon", "mine"]:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_LUA % {"cookies": ", ".join(f'"{c}"' for c in cookies),
                                    "path": f"/workspace/applications/?view={view}"})
        out = subprocess.run(["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "10s",
                              "-s", script.name, url], capture_output=True, text=True, check=True).stdout
        os.unlink(script.name)
        line = next(x for x in out.splitlines() if x.startswith("JSON "))
        result["by_view"][view] = json.loads(line[5:])
        print(view, result["by_view"][view], flush=True)
    result["p95_ms_worst_view"] = max(v["p95_ms"] for v in result["by_view"].values())
    return result


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


def _submit_worker(args) -> dict:
    """One load-generating process: GET the public form (CSRF cookie + token, form token), POST it, expect the redirect."""
    import http.client
    import re
    import urllib.parse

    url, slugs, n, stop, run = args
    from gongkai.applications.tests.factories import person_data

    target = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    ok, failed, latencies, k = 0, [], [], 0
    while time.time() < stop:
        k += 1
        slug = slugs[(n + k) % len(slugs)]
        t = time.perf_counter()
        try:
            conn.request("GET", f"/apply/{slug}/")
            response = conn.getresponse()
            page = response.read().decode()
            cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
            data = person_data(id_number=person_id(n * 100_000 + k), subject=f"bench-submit-{run}-{n}-{k}")
            data.update(csrfmiddlewaretoken=csrf, form_token=token)
            conn.request("POST", f"/apply/{slug}/", body=urllib.parse.urlencode({k_: str(v) for k_, v in data.items()}),
                         headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
                                  "Referer": f"{url}/apply/{slug}/"})
            response = conn.getresponse()
            response.read()
            if response.status == 302 and "/done/" in response.getheader("Location", ""):
                ok += 1
                latencies.append(time.perf_counter() - t)
            else:
                failed.append(response.status)
        except Exception as exc:  # counted and reported, never hidden
            failed.append(repr(exc)[:200])
            conn.close()
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    return {"ok": ok, "failed": failed, "latencies": latencies}


def bench_submissions(organs, seconds: float, url: str, connections: int = 8) -> dict:
    """``connections`` processes each filling in and posting the public form (GET + POST per submission) against gunicorn."""
    import multiprocessing

    run = f"{os.getpid()}-{int(time.time())}"
    slugs = [o.slug for o in organs]
    start = time.time()
    stop = start + seconds
    with multiprocessing.get_context("fork").Pool(connections) as pool:
        parts = pool.map(_submit_worker, [(url, slugs, n, stop, run) for n in range(connections)])
    elapsed = time.time() - start
    accepted = sum(p["ok"] for p in parts)
    failed = [f for p in parts for f in p["failed"]]
    latencies = [x for p in parts for x in p["latencies"]]
    stored = Application.objects.filter(subject__startswith=f"bench-submit-{run}-").count()
    return {"tool": "multiprocessing + http.client (GET form, POST form)", "connections": connections, "seconds": elapsed,
            "accepted": accepted, "stored": stored, "lost": accepted - stored, "failed": len(failed),
            "first_failures": [str(f) for f in failed[:5]], "per_second": accepted / elapsed,
            "p50_ms": percentile(latencies, 50) if latencies else None, "p95_ms": percentile(latencies, 95) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("total", type=int)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--label", default="")
    parser.add_argument("--only", choices=["generate", "queue", "recompute", "submissions", "all"], default="all")
    parser.add_argument("--url", default="http://127.0.0.1:8110", help="a running gunicorn serving the same DATABASE_URL")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    organs, clerks = setup_organs()
    t = time.perf_counter()
    generate(args.total, organs, clerks)
    print(f"generated in {time.perf_counter() - t:.0f} s")
    if args.only == "generate":
        return
    label = args.label or f"{connection.vendor}-{args.total}"
    path = RESULTS / f"applications-{label}.json"
    result = json.loads(path.read_text()) if path.exists() else {}
    result.update({
        "database": connection.vendor, "applications": Application.objects.count(), "organs": ORGANS,
        "finished_at": timezone.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
        "celery_eager": settings.CELERY_TASK_ALWAYS_EAGER, "load_average_at_start": list(os.getloadavg()),
    })
    if args.only in ("queue", "all"):
        result["queue"] = bench_queue(clerks, args.seconds, args.url, args.connections)
        print("queue", json.dumps(result["queue"], ensure_ascii=False))
    if args.only in ("recompute", "all"):
        result["recompute"] = bench_recompute()
        print("recompute", json.dumps(result["recompute"]))
    if args.only in ("submissions", "all"):
        result["submissions"] = bench_submissions(organs, args.seconds, args.url, args.connections)
        print("submissions", json.dumps(result["submissions"], ensure_ascii=False))
    result["load_average_at_end"] = list(os.getloadavg())
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))
    print(f"written {path.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
