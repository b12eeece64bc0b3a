"""Benchmarks of the applications register (依申请公开), issue 3's performance targets.

One command per target, against a gunicorn the script starts itself (and always stops):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_apps REDIS_URL=redis://127.0.0.1:6379/6 \\
           SECRET_KEY=bench-secret-key-not-for-production-0123456789abcdef
    nice -n 10 .venv/bin/python bench/applications_bench.py 1000000 --only generate      # once: 1M rows, ~2–4 min
    .venv/bin/python bench/applications_bench.py 1000000 --only cost          # queries and CPU ms per request, in process
    .venv/bin/python bench/applications_bench.py 1000000 --only queue         # wrk, 8 connections, p50/p95/p99
    .venv/bin/python bench/applications_bench.py 1000000 --only recompute     # calendar change → running deadlines
    .venv/bin/python bench/applications_bench.py 1000000 --only submissions   # wrk GET form + POST, none lost
    .venv/bin/python bench/applications_bench.py 1000000 --only all --label final

Scenarios:

* ``cost`` — in process, no HTTP: for every queue view (as a department clerk and as the government's
  disclosure office, who reads all 50 organs) and for the public form (GET, POST, receipt page): the SQL
  queries of one request and the median CPU ms per request of this process and of its PostgreSQL backend.
  These do not depend on what else runs on the machine: judge changes by them.
* ``queue`` — ``wrk`` at ``--connections`` (8) closed-loop connections, no think time, one signed-in session
  per connection: the queue views running / overdue / due soon / waiting for me, once with 8 clerks of 8
  organs and once with the government's disclosure office (8 sessions); p50/p95/p99, req/s, errors, and the
  CPU ms per request of the gunicorn workers and of the PostgreSQL backends (from /proc).
* ``recompute`` — a working day inside most running deadlines becomes a holiday: every running deadline it
  moves is recomputed (with its audit row); then the day is restored and recomputed back.
* ``submissions`` — ``wrk`` connections each loop: GET the public form of one of the 50 organs (CSRF cookie and
  token, form token), POST a valid application (a different valid resident ID each time), expect the redirect
  to the receipt page (``--follow`` also GETs the receipt page). Afterwards: accepted responses = rows stored
  (none lost), and per organ and year the tracking numbers the service gave are exactly 1..last serial
  (distinct, consecutive, no gaps).

Data (``generate``): 50 organs — ``bench-app-00`` a government, 49 departments below it — and N applications
inserted on PostgreSQL with one INSERT … SELECT over generate_series: ~95 % closed over 2020 to today,
~5 % running, received in the last 40 days, deadlines computed with the real calendar; half the running ones
assigned to the organ's clerk. Results are merged into bench/results/applications-<label>.json (each run
records the load average: on a shared machine latencies say more about the neighbours than about the code;
CPU per request does not). Details and figures: docs/performance.md, "Applications at scale".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.applications import clock, services  # noqa: E402
from gongkai.applications.models import Application, Status, TrackingCounter  # noqa: E402
from gongkai.applications.taxonomy import ApplicantType, Outcome  # noqa: E402
from gongkai.applications.validators import resident_id_check_digit  # noqa: E402
from gongkai.core.crypto import blind_index  # noqa: E402

RESULTS = BENCH / "results"
ORGANS = 50
VIEWS = ["running", "overdue", "soon", "mine"]
TOPICS = ["财政预算", "政府采购", "征地补偿", "环境影响评价", "行政处罚决定", "规划许可", "拆迁安置", "食品安全抽检",
          "教育经费", "医疗机构名录", "公租房分配", "道路建设项目", "扶贫资金", "企业补贴", "会议纪要"]


def person_id(n: int) -> str:
    """A valid resident ID (check digit included), different for each n < 10^7."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n % 14000)
    first17 = f"440300{birth:%Y%m%d}{(n // 14000) % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def setup_organs():
    """50 organs (a government and 49 departments below it), a clerk (clerk + disclosure office) in each,
    and the government's disclosure office, who reads every organ below."""
    from gongkai.accounts.models import User
    from gongkai.factories import member
    from gongkai.organs.models import Membership, Organ, OrganKind, Role

    organs, clerks = [], []
    for i in range(ORGANS):
        organ, _ = Organ.objects.get_or_create(
            slug=f"bench-app-{i:02d}", defaults={"name": f"基准测试机关{i:02d}", "code": f"BA{i:02d}", "kind": OrganKind.DEPARTMENT})
        if i == 0 and organ.kind != OrganKind.GOVERNMENT:
            organ.kind = OrganKind.GOVERNMENT
            organ.name = "基准测试市人民政府"
            organ.save()
        if i > 0 and organ.parent_id != organs[0].pk:
            organ.parent = organs[0]
            organ.save()
        clerk = organ.memberships.filter(role=Role.CLERK).select_related("user").first()
        clerks.append(clerk.user if clerk else member(organ, Role.CLERK, Role.DISCLOSURE_OFFICE))
        organs.append(organ)
    office, created = User.objects.get_or_create(username="bench-app-office", defaults={"full_name": "市公开办基准"})
    if created:
        Membership.objects.create(user=office, organ=organs[0], role=Role.DISCLOSURE_OFFICE)
    return organs, clerks, office


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
        # ID number and phone are encrypted at rest: every row stores one real ciphertext of each (so reading a row
        # decrypts as in production); the ID number's blind index is a distinct 64-hex value per row (a SHA-256 of the
        # row number, the shape of the real HMAC), the phone's the real one.
        personal = {"id_number": Application._meta.get_field("id_number").get_prep_value("440300199001011234"),
                    "phone": Application._meta.get_field("phone").get_prep_value("13800000000"),
                    "phone_bidx": blind_index("13800000000", purpose=Application._meta.get_field("phone_bidx").purpose)}
        t = time.perf_counter()
        cursor.execute(f"""
            SELECT setseed(0.{seed});
            INSERT INTO applications_application (
                tracking_number, secret, channel, external_reference, applicant_type, applicant_name, id_type, id_number,
                contact_person, phone, email, address, postcode, subject, document_number, description, purpose,
                form_wanted, delivery_method, submitted_at, received_on, receipt_note, status, outcome, closed_on,
                clock_start, due_on, due_explanation, internal_due_on, correction_notice_due_on, correction_text,
                correction_response, extension_days, extension_reason, is_petition_suspected, is_volume_flagged,
                delivered_via, delivery_reference, updated_at, organ_id, assignee_id, id_number_bidx, phone_bidx)
            SELECT o.code || '-B-' || lpad(g.i::text, 9, '0'), repeat('0', 64), 'web', '',
                   (%(types)s::text[])[1 + g.i %% cardinality(%(types)s::text[])], '申请人' || g.i, 'resident_id', %(id_number)s,
                   '', %(phone)s, '', '', '', (%(topics)s::text[])[1 + g.i %% cardinality(%(topics)s::text[])] || '相关信息（第' || g.i || '号）', '', '', '',
                   'electronic', 'online', d.d::timestamptz + interval '9 hours', d.d, '',
                   CASE WHEN g.running THEN (%(running)s::text[])[1 + g.i %% 3] ELSE 'closed' END,
                   CASE WHEN g.running THEN '' ELSE (%(outcomes)s::text[])[1 + g.i %% cardinality(%(outcomes)s::text[])] END,
                   CASE WHEN g.running THEN NULL ELSE d.d + (1 + g.i %% 28) END,
                   d.d, d.due, '{{"provisional": false}}'::jsonb, d.internal, d.notice, '', '', 0, '', false, false, '', '',
                   now(), o.organ_id, CASE WHEN g.running AND (g.i / {ORGANS}) %% 2 = 0 THEN o.clerk_id END,
                   encode(sha256(convert_to('bench-id-' || g.i, 'UTF8')), 'hex'), %(phone_bidx)s
            FROM (SELECT i, random() < 0.05 AS running, random() AS r FROM generate_series(%(start)s, %(stop)s) AS i) AS g
            JOIN bench_organs o ON o.i = g.i %% {ORGANS}
            JOIN bench_dates d ON d.internal_days = o.internal_days
                 AND d.n = CASE WHEN g.running THEN {len(dates) - 1} - floor(g.r * 41)::int ELSE floor(g.r * {span})::int END
        """, {"types": [t.value for t in ApplicantType], "topics": TOPICS, "outcomes": [o.value for o in Outcome],
              "running": [Status.IN_PROGRESS.value, Status.RECEIVED.value, Status.CONSULTING.value],
              "start": existing, "stop": total - 1, **personal})
        print(f"inserted {total - existing:,} rows in {time.perf_counter() - t:.0f} s", flush=True)
        cursor.execute("ANALYZE applications_application")
    from gongkai.reports import stats

    for organ in organs:  # raw SQL bypasses the models: the dashboard's month counts are recounted
        stats.applications_changed(organ.pk)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else None


# --- CPU accounting ------------------------------------------------------------------

def backend_cpu() -> float:
    """CPU seconds used so far by this process's own PostgreSQL backend."""
    from load import cpu_seconds

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return cpu_seconds([pid]).get(pid, 0.0)


def measure_in_process(make_request, repeat: int) -> dict:
    """Queries of one request, then median CPU ms (this process, its database backend) over ``repeat`` requests."""
    make_request()
    with CaptureQueriesContext(connection) as captured:
        status = make_request()
    queries = len(captured.captured_queries)
    app, db = [], []
    for _ in range(repeat):
        d0, p0 = backend_cpu(), time.process_time()
        make_request()
        p1, d1 = time.process_time(), backend_cpu()
        app.append(1000 * (p1 - p0))
        db.append(1000 * (d1 - d0))
    # backend CPU is counted in clock ticks (10 ms): the mean is the honest figure, not the median
    return {"status": status, "queries": queries, "app_cpu_ms": round(statistics.median(app), 2),
            "app_cpu_ms_mean": round(statistics.fmean(app), 2), "db_cpu_ms_mean": round(statistics.fmean(db), 2)}


def bench_cost(organs, clerks, office, repeat: int) -> dict:
    from gongkai.applications.tests.factories import person_data

    result = {"repeat": repeat, "queue": {}, "form": {}}
    for group, user in (("clerk", clerks[3]), ("office", office)):
        client = Client()
        client.force_login(user)
        for view in VIEWS:
            url = f"/workspace/applications/?view={view}"
            figures = measure_in_process(lambda url=url, client=client: client.get(url).status_code, repeat)
            result["queue"][f"{group}/{view}"] = figures
            print(f"cost queue {group:6s} {view:8s} {figures}", flush=True)
    client = Client()
    slug = organs[7].slug
    url = f"/apply/{slug}/"
    result["form"]["get"] = figures = measure_in_process(lambda: client.get(url).status_code, repeat)
    print(f"cost form get   {figures}", flush=True)
    counter = [0]
    last = {}

    def post():
        counter[0] += 1
        token = f"bench-cost-{os.getpid()}-{time.time_ns()}-{counter[0]}"
        data = person_data(id_number=person_id(9_000_000 + counter[0] + os.getpid() % 1000 * 1000),
                           subject=f"申请公开财政预算相关文件 bench-cost-{counter[0]}")
        data["form_token"] = token
        response = client.post(url, data)
        last["location"] = response.get("Location", "")
        return response.status_code

    result["form"]["post"] = figures = measure_in_process(post, repeat)
    print(f"cost form post  {figures}", flush=True)
    done = last["location"]
    result["form"]["done"] = figures = measure_in_process(lambda: client.get(done).status_code, repeat)
    print(f"cost form done  {figures}", flush=True)

    def new_visitor():
        # what each wrk connection does: a browser with no cookies loads the form and submits it. The same test
        # client with its cookies cleared: a new Client() would build the middleware chain again (WhiteNoise
        # walks every static file when it starts), which a served process does once.
        client.cookies.clear()
        client.get(url)
        return post()

    result["form"]["get_post_new_visitor"] = figures = measure_in_process(new_visitor, repeat)
    print(f"cost form get+post, new visitor {figures}", flush=True)
    return result


# --- wrk against gunicorn ---------------------------------------------------------------

QUEUE_LUA = """
local cookies = {%(cookies)s}
local paths = {%(paths)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("cookie", cookies[(counter - 1) %% #cookies + 1])
  thread:set("n", counter)
end
function init(args)
  wrk.headers["Cookie"] = "sessionid=" .. cookie
  k = n
end
function request()
  k = k + 1
  return wrk.format("GET", paths[k %% #paths + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_JSON {\\"requests\\": %%d, \\"duration_s\\": %%.3f, \\"status_errors\\": %%d, \\"socket_errors\\": %%d, \\"p50_ms\\": %%.1f, \\"p95_ms\\": %%.1f, \\"p99_ms\\": %%.1f, \\"max_ms\\": %%.1f}\\n",
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""

SUBMIT_LUA = """
local slugs = {%(slugs)s}
local ids = {%(ids)s}
local fixed = "%(fixed)s"
local marker = "%(marker)s"
local follow = %(follow)s
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("n", counter)
  table.insert(threads, thread)
end
function init(args)
  stage = "get"; k = 0; ok = 0; refused = 0; get_failed = 0; done_failed = 0
  slug = ""; csrf = ""; mtoken = ""; ftoken = ""; location = ""
end
function request()
  if stage == "get" then
    slug = slugs[(n * 7 + k) %% #slugs + 1]
    return wrk.format("GET", "/apply/" .. slug .. "/")
  elseif stage == "post" then
    local body = fixed .. "&id_number=" .. ids[(n * 100003 + k) %% #ids + 1] .. "&subject=" .. marker .. "-" .. n .. "-" .. k
                 .. "&csrfmiddlewaretoken=" .. mtoken .. "&form_token=" .. ftoken
    return wrk.format("POST", "/apply/" .. slug .. "/", {["Content-Type"] = "application/x-www-form-urlencoded",
                      ["Cookie"] = "csrftoken=" .. csrf, ["Referer"] = "http://127.0.0.1/apply/" .. slug .. "/"}, body)
  else
    return wrk.format("GET", location, {["Cookie"] = session})
  end
end
function response(status, headers, body)
  if stage == "get" then
    local cookie = headers["Set-Cookie"] or ""
    csrf = string.match(cookie, "csrftoken=([^;]+)")
    mtoken = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
    ftoken = string.match(body, 'name="form_token" value="([^"]+)"')
    if status == 200 and csrf and mtoken and ftoken then stage = "post" else get_failed = get_failed + 1 end
  elseif stage == "post" then
    location = headers["Location"] or ""
    k = k + 1
    if status == 302 and string.find(location, "/done/", 1, true) then
      ok = ok + 1
      -- the receipt (tracking number and secret) is carried by a signed cookie of the browser that filed
      session = "gongkai_receipts=" .. (string.match(headers["Set-Cookie"] or "", "gongkai_receipts=([^;]+)") or "")
      if follow then stage = "done" else stage = "get" end
    else
      refused = refused + 1; stage = "get"
    end
  else
    if status ~= 200 or not string.find(body, %(done_marker)s, 1, true) then done_failed = done_failed + 1 end
    stage = "get"
  end
end
function done(summary, latency, requests)
  local ok_, refused_, get_failed_, done_failed_ = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    ok_ = ok_ + t:get("ok"); refused_ = refused_ + t:get("refused")
    get_failed_ = get_failed_ + t:get("get_failed"); done_failed_ = done_failed_ + t:get("done_failed")
  end
  local e = summary.errors
  io.write(string.format("BENCH_JSON {\\"requests\\": %%d, \\"duration_s\\": %%.3f, \\"status_errors\\": %%d, \\"socket_errors\\": %%d, \\"p50_ms\\": %%.1f, \\"p95_ms\\": %%.1f, \\"p99_ms\\": %%.1f, \\"max_ms\\": %%.1f, \\"accepted\\": %%d, \\"refused\\": %%d, \\"form_failed\\": %%d, \\"receipt_failed\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    ok_, refused_, get_failed_, done_failed_))
end
"""


def lua_strings(values) -> str:
    return ", ".join(json.dumps(v) for v in values)


def run_wrk(server, script: str, seconds: float, connections: int) -> dict:
    """Run wrk with ``script``; add the CPU ms per request of the gunicorn workers and of the database backends."""
    from load import cpu_delta, cpu_seconds, db_backends

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        app0, db0 = cpu_seconds(server.workers()), cpu_seconds(db_backends())
        out = subprocess.run(["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "10s",
                              "-s", f.name, f"http://127.0.0.1:{server.port}"], capture_output=True, text=True, timeout=seconds + 60)
        app_cpu = cpu_delta(app0, cpu_seconds(server.workers()))
        db_cpu = cpu_delta(db0, cpu_seconds(db_backends()))
    finally:
        os.unlink(f.name)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
    result = json.loads(line[len("BENCH_JSON "):])
    n = max(result["requests"], 1)
    result["per_second"] = round(result["requests"] / result["duration_s"], 1)
    result["app_cpu_s"], result["db_cpu_s"] = round(app_cpu, 2), round(db_cpu, 2)
    result["app_cpu_ms_per_req"] = round(1000 * app_cpu / n, 2)
    result["db_cpu_ms_per_req"] = round(1000 * db_cpu / n, 2)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def start_server(port: int, workers: int):
    from load import Server

    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    env.pop("GONGKAI_PRODUCTION", None)
    connection.close()
    return Server(port, workers, 1, env)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def bench_queue(clerks, office, args) -> dict:
    groups = {"clerk": [session_cookie(u) for u in clerks[1:1 + args.connections]],
              "office": [session_cookie(office)] * args.connections}
    result = {"tool": "wrk", "connections": args.connections, "seconds": args.seconds, "workers": args.workers, "by_view": {}}
    server = start_server(args.port, args.workers)
    try:
        for group, cookies in groups.items():
            for view in args.views.split(","):
                paths = [f"/workspace/applications/?view={view}"]
                script = QUEUE_LUA % {"cookies": lua_strings(cookies), "paths": lua_strings(paths)}
                run_wrk(server, script, 2, args.connections)  # warm-up
                figures = run_wrk(server, script, args.seconds, args.connections)
                result["by_view"][f"{group}/{view}"] = figures
                print(f"queue {group:6s} {view:8s} {figures['per_second']:6.1f} req/s  p50 {figures['p50_ms']:6.1f}  "
                      f"p95 {figures['p95_ms']:6.1f}  p99 {figures['p99_ms']:6.1f} ms  errors "
                      f"{figures['status_errors'] + figures['socket_errors']}  cpu/req app {figures['app_cpu_ms_per_req']} "
                      f"db {figures['db_cpu_ms_per_req']} ms  load {figures['load_average'][0]}", flush=True)
    finally:
        server.stop()
    result["p95_ms_worst_view"] = max(v["p95_ms"] for v in result["by_view"].values())
    result["target_p95_ms"] = 100
    result["errors"] = sum(v["status_errors"] + v["socket_errors"] for v in result["by_view"].values())
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
    d0, p0, t = backend_cpu(), time.process_time(), time.perf_counter()
    changed = services.recompute_running(dates=[day], reason="bench")
    elapsed, cpu, db_cpu = time.perf_counter() - t, time.process_time() - p0, backend_cpu() - d0
    DayOverride.objects.filter(date=day).update(is_working=True)
    invalidate()
    t2 = time.perf_counter()
    restored = services.recompute_running(dates=[day], reason="bench undo")
    elapsed2 = time.perf_counter() - t2
    result = {"running": running, "changed": changed, "seconds": round(elapsed, 1), "app_cpu_seconds": round(cpu, 1), "db_cpu_seconds": round(db_cpu, 1),
              "restored": restored, "seconds_undo": round(elapsed2, 1), "per_second": round(changed / elapsed if elapsed else 0),
              "target_seconds": 60, "load_average": [round(x, 2) for x in os.getloadavg()]}
    print("recompute", result, flush=True)
    return result


def check_tracking_numbers(organs) -> dict:
    """Per organ and year: the serials the service gave (``CODE-YEAR-NNNNNN``) are exactly 1..last_serial."""
    bad = []
    checked = 0
    for counter in TrackingCounter.objects.filter(organ__in=organs).select_related("organ"):
        prefix = f"{counter.organ.code}-{counter.year}-"
        serials = sorted(int(n[len(prefix):]) for n in Application.objects.filter(
            organ=counter.organ, tracking_number__startswith=prefix).values_list("tracking_number", flat=True))
        checked += len(serials)
        if serials != list(range(1, counter.last_serial + 1)):
            bad.append({"organ": counter.organ.slug, "year": counter.year, "last_serial": counter.last_serial, "stored": len(serials)})
    return {"numbers_checked": checked, "organs_with_gaps_or_duplicates": bad}


def bench_submissions(organs, args) -> dict:
    from gongkai.applications.tests.factories import person_data

    run = f"bench{os.getpid()}x{int(time.time())}"
    fields = person_data(subject="", id_number="")
    fixed = urllib.parse.urlencode({k: str(v) for k, v in fields.items() if k not in ("subject", "id_number")})
    ids = [person_id(n * 7 + int(time.time()) % 7) for n in range(5000)]
    slugs = [o.slug for o in organs] if args.submit_to == "all" else [organs[1].slug]

    def script(marker: str) -> str:
        return SUBMIT_LUA % {"slugs": lua_strings(slugs), "ids": lua_strings(ids), "fixed": fixed, "marker": marker,
                             "follow": "true" if args.follow else "false", "done_marker": json.dumps('id="secret"')}

    before = Application.objects.count()
    server = start_server(args.port, args.workers)
    try:
        # Warm-up, as for the queue: each worker's first requests load the word segmenter (duplicate check) and
        # render each organ's empty form once (~0.8 s of CPU per worker) — not the cost of a submission.
        warmup = run_wrk(server, script(f"{run}w"), 3, args.connections)
        figures = run_wrk(server, script(f"{run}m"), args.seconds, args.connections)
    finally:
        server.stop()
    stored = Application.objects.filter(subject__startswith=f"{run}m-").count()
    warmup_stored = Application.objects.filter(subject__startswith=f"{run}w-").count()
    figures["warmup"] = {"seconds": 3, "accepted": warmup["accepted"], "stored": warmup_stored,
                         "lost": max(0, warmup["accepted"] - warmup_stored)}
    figures.update({
        "tool": "wrk (Lua: GET form, POST" + (", GET receipt page" if args.follow else "") + ")",
        "connections": args.connections, "workers": args.workers, "organs": len(slugs),
        "celery_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        "submissions_per_second": round(figures["accepted"] / figures["duration_s"], 1),
        "stored": stored, "lost": max(0, figures["accepted"] - stored) + figures["warmup"]["lost"],
        # wrk stops mid-request: a POST it gave up on may still have been stored (stored > accepted, not a loss)
        "stored_after_wrk_stopped": max(0, stored - figures["accepted"]), "register_grew_by": Application.objects.count() - before,
        "app_cpu_ms_per_submission": round(1000 * figures["app_cpu_s"] / max(figures["accepted"], 1), 1),
        "db_cpu_ms_per_submission": round(1000 * figures["db_cpu_s"] / max(figures["accepted"], 1), 1),
        "target_per_second": 100,
    })
    figures.update(check_tracking_numbers(organs))
    print(f"submissions {figures['submissions_per_second']}/s  accepted {figures['accepted']}  stored {stored}  lost {figures['lost']}  "
          f"refused {figures['refused']}  form failed {figures['form_failed']}  p95 {figures['p95_ms']} ms (GET and POST)  "
          f"cpu/submission app {figures['app_cpu_ms_per_submission']} db {figures['db_cpu_ms_per_submission']} ms  "
          f"gaps {figures['organs_with_gaps_or_duplicates']}  load {figures['load_average'][0]}", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("total", type=int, help="applications in the benchmark database (generated when fewer)")
    parser.add_argument("--only", choices=["generate", "cost", "queue", "recompute", "submissions", "all"], default="all")
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per wrk run (≤ 120)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--repeat", type=int, default=20, help="requests per figure in --only cost")
    parser.add_argument("--submit-to", choices=["all", "one"], default="all", help="spread submissions over the 50 organs, or one organ")
    parser.add_argument("--follow", action="store_true", help="submissions also GET the receipt page")
    parser.add_argument("--views", default=",".join(VIEWS), help="queue views to load (comma-separated)")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if args.seconds > 120 or not (1024 < args.port < 65536):
        raise SystemExit("bounded runs only: --seconds ≤ 120, port > 1024")
    call_command("migrate", verbosity=0)
    organs, clerks, office = setup_organs()
    t = time.perf_counter()
    generate(args.total, organs, clerks)
    if args.only == "generate":
        print(f"generated in {time.perf_counter() - t:.0f} s")
        return
    label = args.label or f"{connection.vendor}-{args.total}"
    path = RESULTS / f"applications-{label}.json"
    result = json.loads(path.read_text()) if path.exists() else {}
    result.update({
        "database": connection.vendor, "applications": Application.objects.count(),
        "running": Application.objects.running().count(), "organs": ORGANS, "cpus": os.cpu_count(),
        "celery_eager": settings.CELERY_TASK_ALWAYS_EAGER, "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "started_at": timezone.now().isoformat(timespec="seconds"),
    })
    if args.only in ("cost", "all"):
        result["cost"] = bench_cost(organs, clerks, office, args.repeat)
    if args.only in ("queue", "all"):
        result["queue"] = bench_queue(clerks, office, args)
    if args.only in ("recompute", "all"):
        result["recompute"] = bench_recompute()
    if args.only in ("submissions", "all"):
        key = "submissions" + ("-one-organ" if args.submit_to == "one" else "") + ("-follow" if args.follow else "")
        result[key] = bench_submissions(organs, args)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["finished_at"] = timezone.now().isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
