"""Applications benchmark (依申请公开基准) for issue 3's targets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        nice -n 10 .venv/bin/python bench/applications_load.py generate 1000000
    ... .venv/bin/python bench/applications_load.py queue [--port 8108] [--duration 20]
    ... .venv/bin/python bench/applications_load.py submit [--port 8108] [--duration 20] [--clients 16]

``generate N``: N applications over the benchmark organs (bench/generate_catalogue.py
makes them), written with COPY into ``applications_application`` (columns read from the
model at run time; unknown columns get their field default). 92 % are closed with an
outcome; 8 % are running, with due dates spread from 30 days ago to 30 days ahead, so
the overdue and due-soon views have real work to do. Tracking numbers are unique
(``B<organ>-<year>-<serial>``, a prefix the application service never gives);
TrackingCounter is not touched.

``queue``: gunicorn + wrk at 8 connections against the staff queue views (running,
overdue, due soon, mine) as a disclosure-office member of the city government, signed
in with a real session cookie. Target: p95 ≤ 100 ms.

``submit``: N client threads each fetch the public form (CSRF cookie and token, form
token) and post a valid application, repeatedly, for ``--duration`` seconds; reported:
successful submissions per second, and whether the register grew by exactly that many
(none lost). Target: ≥ 100 submissions/s.

The server is stopped at the end. Results: bench/results/applications-<what>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

import vocabulary as V  # noqa: E402
from gongkai.applications.models import Application, Status  # noqa: E402
from gongkai.organs.models import Organ  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "桂英", "建华"]
OUTCOMES = None


def _outcomes():
    from gongkai.applications.taxonomy import Outcome

    return [o.value for o in Outcome]


def _escape(value) -> str:
    from generate_catalogue import _escape as esc

    return esc(value)


def generate(n: int, seed: int = 3):
    organs = list(Organ.objects.filter(slug__startswith="bench-").order_by("pk"))
    if not organs:
        raise SystemExit("Run bench/generate_catalogue.py first (it creates the 50 benchmark organs).")
    rng = random.Random(seed)
    outcomes = _outcomes()
    today = timezone.localdate()
    running = [s for s in (Status.RECEIVED, Status.IN_PROGRESS, Status.CONSULTING, Status.IN_SIGNOFF, Status.CORRECTION_REQUESTED)]
    fields = [f for f in Application._meta.concrete_fields if not f.primary_key]
    constants = {}
    for f in fields:
        if f.has_default():
            constants[f.attname] = f.get_default()
        elif f.null:
            constants[f.attname] = None
        elif f.get_internal_type() in ("CharField", "TextField", "EmailField"):
            constants[f.attname] = ""
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants[f.attname] = timezone.now()
    serials: dict[tuple[int, int], int] = {}
    start = time.monotonic()
    sql = f"COPY {Application._meta.db_table} ({', '.join(f.column for f in fields)}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            buf = []
            for i in range(n):
                organ = organs[rng.randrange(len(organs))]
                received = today - dt.timedelta(days=int(rng.random() ** 0.7 * 2900))
                year = received.year
                serials[(organ.pk, year)] = serials.get((organ.pk, year), 0) + 1
                is_running = rng.random() < 0.08
                if is_running:
                    received = today - dt.timedelta(days=rng.randint(0, 45))
                status = rng.choice(running) if is_running else Status.CLOSED
                due = received + dt.timedelta(days=rng.randint(25, 35)) if is_running else received + dt.timedelta(days=28)
                submitted = dt.datetime.combine(received, dt.time(rng.randint(8, 20), rng.randint(0, 59)), dt.timezone.utc)
                topic = rng.choice(V.TOPICS)
                row = {
                    **constants,
                    "organ_id": organ.pk, "tracking_number": f"B{organ.pk:02d}-{year}-{serials[(organ.pk, year)]:07d}",
                    "secret": f"{rng.getrandbits(256):064x}", "channel": rng.choice(["web", "web", "web", "letter", "in_person", "email"]),
                    "applicant_type": "natural_person" if rng.random() < 0.85 else "commercial",
                    "applicant_name": rng.choice(SURNAMES) + rng.choice(GIVEN), "id_type": "resident_id",
                    "id_number": f"33010{rng.randint(10**12, 10**13 - 1)}", "phone": f"13{rng.randint(10**8, 10**9 - 1)}",
                    "subject": f"申请公开{V.CITY}市{topic}相关文件", "description": f"请公开{received.year}年{topic}工作的有关文件和资金使用情况。",
                    "form_wanted": "electronic", "delivery_method": "email", "submitted_at": submitted, "received_on": received,
                    "status": status, "outcome": "" if is_running else rng.choice(outcomes),
                    "closed_on": None if is_running else received + dt.timedelta(days=rng.randint(3, 20)),
                    "clock_start": received, "due_on": due, "due_explanation": {}, "updated_at": submitted,
                }
                buf.append("\t".join(_escape(row.get(f.attname)) for f in fields))
                if len(buf) >= 1000:
                    copy.write(("\n".join(buf) + "\n").encode())
                    buf.clear()
            if buf:
                copy.write(("\n".join(buf) + "\n").encode())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Application._meta.db_table}")
    elapsed = time.monotonic() - start
    out = {"added": n, "total": Application.objects.count(), "seconds": round(elapsed, 1), "rows_per_s": round(n / elapsed)}
    save("generate", out)


def save(what: str, data: dict):
    data["load_average"] = os.getloadavg()
    data["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"applications-{what}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(data, ensure_ascii=False))


def staff_session() -> str:
    """A signed-in disclosure-office member of the city government: its session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cache import SessionStore as CacheStore
    from django.conf import settings
    from importlib import import_module

    from gongkai.accounts.models import User
    from gongkai.organs.models import Membership, Role

    gov = Organ.objects.get(slug="bench-gov")
    user, _ = User.objects.get_or_create(username="bench-office", defaults={"full_name": "公开办基准"})
    Membership.objects.get_or_create(user=user, organ=gov, role=Role.DISCLOSURE_OFFICE)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    del CacheStore
    return store.session_key


def queue(args):
    from load import RssSampler, Server, run_wrk

    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    session = staff_session()
    paths = [f"/workspace/applications/?view={v}" for v in ("running", "overdue", "soon", "mine")]
    paths += [f"/workspace/applications/?view=running&page={p}" for p in range(2, 6)]
    os.environ["BENCH_COOKIE"] = f"sessionid={session}"
    server = Server(args.port, args.workers, 1, env)
    sampler = RssSampler(server)
    sampler.start()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{args.port}{paths[0]}",
                                                           headers={"Cookie": f"sessionid={session}"}), timeout=60) as r:
            if r.status != 200 or "/accounts/" in r.url:
                raise SystemExit(f"the staff session was not accepted ({r.status} {r.url})")
        run_wrk(args.port, paths, 3, 8, cookie=f"sessionid={session}")
        result = run_wrk(args.port, paths, args.duration, 8, cookie=f"sessionid={session}")
    finally:
        sampler.stopping.set()
        server.stop()
    result["rps"] = round(result["requests"] / result["duration_s"], 1)
    save("queue", {"applications": Application.objects.count(), "connections": 8, "paths": paths, "result": result,
                   "target_p95_ms": 100,
                   "met": result["requests"] > 0 and result["p95_ms"] <= 100 and not (result["status_errors"] or result["timeouts"])})


FORM_DATA = {
    "applicant_type": "natural_person", "applicant_name": "王芳", "id_type": "resident_id", "id_number": "110101199003074514",
    "phone": "13800138000", "email": "wangfang@example.com", "subject": "申请公开临江市生态环境保护专项资金使用情况",
    "description": "2024年度专项资金分配和使用的明细。", "form_wanted": "electronic", "delivery_method": "email",
}


def submit(args):
    from load import Server

    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    organ = Organ.objects.get(slug="bench-gov")
    before = Application.objects.count()
    server = Server(args.port, args.workers, 1, env)
    ok, failed, latencies = [0], [0], []
    lock = threading.Lock()
    stop_at = [0.0]

    def client():
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        url = f"http://127.0.0.1:{args.port}/apply/{organ.slug}/"
        while time.monotonic() < stop_at[0]:
            t0 = time.monotonic()
            try:
                page = opener.open(url, timeout=30).read().decode()
                csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
                token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
                body = urllib.parse.urlencode({**FORM_DATA, "csrfmiddlewaretoken": csrf, "form_token": token}).encode()
                response = opener.open(urllib.request.Request(url, data=body, headers={"Referer": url}), timeout=30)
                good = "/done/" in response.url
            except Exception:  # noqa: BLE001 - counted as a failure
                good = False
            with lock:
                (ok if good else failed)[0] += 1
                latencies.append(time.monotonic() - t0)

    try:
        stop_at[0] = time.monotonic() + args.duration
        started = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    after = Application.objects.count()
    latencies.sort()
    save("submit", {
        "clients": args.clients, "seconds": round(elapsed, 1), "submitted_ok": ok[0], "failed": failed[0],
        "submissions_per_s": round(ok[0] / elapsed, 1), "register_grew_by": after - before, "none_lost": after - before == ok[0],
        "p95_s_get_and_post": round(latencies[int(len(latencies) * 0.95) - 1], 3) if latencies else None,
        "target_per_s": 100,
    })


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["generate", "queue", "submit"])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    if args.duration > 120:
        raise SystemExit("--duration ≤ 120")
    if args.what == "generate":
        generate(args.n)
    elif args.what == "queue":
        queue(args)
    else:
        submit(args)


if __name__ == "__main__":
    main()
