"""Load benchmark of the public pages (公开页面压力测试) with wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench \
    REDIS_URL=redis://127.0.0.1:6379/5 SEARCH_INDEX_DIR=/tmp/bench-search/index \
        .venv/bin/python bench/load.py [--port 8107] [--workers 2] [--threads 1] \
            [--connections 16] [--duration 20] [--only item-cold,healthz]

Starts gunicorn (``gongkai.wsgi``, DEBUG off, the cache in Redis database 5)
on 127.0.0.1, then for each scenario runs ``wrk`` (Debian package) against a
list of URLs taken from the benchmark catalogue and prints p50/p95/p99 and
throughput, parsed from wrk's Lua ``done()`` hook. Scenarios:

* ``healthz`` – the trivial view, the baseline throughput;
* ``list-cold`` – catalogue list pages of all 50 organs, pages 1–200 in
  random order, after Redis database 5 is flushed (every request a miss:
  more pages than a run requests);
* ``list-warm`` – pages 1–10 of the 50 organs, each requested once first;
* ``list-after-publish`` – the ``list`` pages again after every column's
  version has moved on (as if each had just published): no page is valid in
  the cache, but the shared look-ups (column totals, facets) are, as on a
  site that publishes all day — the first view of a page in steady state;
* ``item-cold`` – 60,000 different random item pages after a flush, so
  (nearly) every request renders from PostgreSQL;
* ``item-warm`` – 1,000 item pages requested once in a warm-up pass, then
  measured: served from the page cache;
* ``guide`` – the 50 organs' guide pages (after a warm-up);
* ``search-1`` / ``search-2`` / ``search-common`` – search pages for one-word,
  two-word and common-word (政府, 公开, 政府 公开) queries, 20 of each kind,
  repeated (popular queries: after the first, served by the page cache);
* ``search-distinct`` – after a flush, ~12,000 different one- and two-word
  queries (policy topics, places, document kinds) in random order, more than
  a run asks, so every request is a query never asked before: the index is
  searched and the page rendered each time.

For each scenario the CPU time of the gunicorn workers and of the PostgreSQL
backends of the benchmark database is counted per request: unlike latency it
does not depend on what else the machine runs. While wrk runs, a sampler reads every gunicorn worker's /proc status
(VmRSS, VmHWM) twice a second; the peak is reported. The server is always
stopped at the end, also on error or Ctrl-C. Only 127.0.0.1 is targeted;
every run is bounded by ``--duration``. Results: bench/results/load-<label>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

ONE_WORD = ["生态环境", "安全生产", "乡村振兴", "养老服务", "营商环境", "河长制", "垃圾分类", "食品安全", "住房保障", "政务公开",
            "消防安全", "就业创业", "防汛抗旱", "社会救助", "财政", "审计", "疫苗接种", "耕地保护", "人才引进", "统计"]
TWO_WORD = ["生态环境 保护", "安全生产 检查", "乡村振兴 资金", "政务公开 标准化", "养老服务 补贴", "垃圾分类 社区", "食品安全 监管",
            "高标准农田 建设", "营商环境 改革", "住房保障 租赁", "河长制 考核", "消防安全 培训", "就业创业 补助", "社会救助 困难群众",
            "防汛抗旱 应急", "耕地保护 土地", "人才引进 政策", "财政 预算", "审计 整改", "统计 调查"]
COMMON = ["政府", "公开", "政府 公开", "工作", "信息公开", "人民政府 工作"]

LUA = r"""
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS"))
  i = tid
end
function request()
  local p = paths[(i % #paths) + 1]
  i = i + nthreads
  return wrk.format("GET", p)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\":%d,\"duration_s\":%.3f,\"connect_errors\":%d,\"read_errors\":%d,\"write_errors\":%d,\"status_errors\":%d,\"timeouts\":%d,\"p50_ms\":%.2f,\"p90_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"mean_ms\":%.2f}\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def distinct_queries(rng: random.Random) -> list[str]:
    """One- and two-word queries as people type them: a topic, a place or a
    document kind, alone or with another word."""
    sys.path.insert(0, str(ROOT / "bench"))
    import vocabulary as V

    topics = V.TOPICS + [p for p in V.PLANS if "（" not in p] + V.TOWNS + V.DISTRICTS + V.NOTICE_KINDS
    extra = ["补贴", "名单", "公示", "检查", "资金", "标准", "通知", "考核", "整改", "申报", "招聘", "预算", "结果", "计划"]
    queries = set(topics)
    queries.update(f"{a} {b}" for a in V.TOPICS for b in extra)
    queries.update(f"{a} {b}" for a in V.TOWNS + V.DISTRICTS for b in V.TOPICS[:40])
    # Two policy topics together: enough distinct queries that a 20 s run at several hundred
    # requests a second never asks one twice (each is a miss of the page cache).
    queries.update(f"{a} {b}" for a in V.TOPICS for b in V.TOPICS if a != b)
    queries = sorted(queries)
    rng.shuffle(queries)
    return queries


def sample_urls(seed: int = 7) -> dict[str, list[str]]:
    from django.db import connection

    from gongkai.organs.models import Organ

    rng = random.Random(seed)
    organs = list(Organ.objects.filter(is_active=True).values_list("pk", "slug"))
    slugs = dict(organs)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, organ_id FROM catalogue_item TABLESAMPLE SYSTEM (10) REPEATABLE (%s) "
            "WHERE state = 'published' AND disclosure = 'active' LIMIT 70000" if connection.vendor == "postgresql"
            else "SELECT id, organ_id FROM catalogue_item WHERE state = 'published' AND disclosure = 'active' ORDER BY random() LIMIT 70000",
            [seed] if connection.vendor == "postgresql" else [],
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    items = [f"/{slugs[organ]}/items/{pk}/" for pk, organ in rows if organ in slugs]
    # Pages 1–200 of every column (10,000 pages): more than a 20 s run requests, so each is a first view.
    # Only pages that exist: on a smaller catalogue a page past the last is answered without a list.
    with connection.cursor() as cursor:
        cursor.execute("SELECT organ_id, count(*) FROM catalogue_item WHERE state = 'published' AND disclosure = 'active' "
                       "GROUP BY organ_id")
        pages = {organ: -(-count // 20) for organ, count in cursor.fetchall()}
    lists = [f"/{slug}/catalogue/?page={page}" for pk, slug in organs for page in range(1, min(200, pages.get(pk, 1)) + 1)]
    rng.shuffle(lists)
    lists_warm = [f"/{slug}/catalogue/?page={page}" for page in range(1, 11) for _, slug in organs]
    q = lambda words: [f"/search/?q={urllib.parse.quote(w)}" for w in words]  # noqa: E731
    return {
        "healthz": ["/healthz"],
        "slugs": [slug for _, slug in organs],
        "list": lists,
        "list-warm": lists_warm,
        "item-cold": items[:60000],
        "item-warm": items[60000:61000] or items[:1000],
        "guide": [f"/{slug}/guide/" for _, slug in organs],
        "search-1": q(ONE_WORD),
        "search-2": q(TWO_WORD),
        "search-distinct": q(distinct_queries(rng)),
        "search-common": q(COMMON) + [f"/search/?q={urllib.parse.quote('公开')}&order=date",
                                      f"/bench-gov/search/?q={urllib.parse.quote('政府')}",
                                      f"/bench-gov/search/?q={urllib.parse.quote('政府 公开')}"],
    }


class Server:
    def __init__(self, port: int, workers: int, threads: int, env: dict):
        self.port = port
        cmd = [str(ROOT / ".venv/bin/gunicorn"), "gongkai.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--timeout", "60", "--log-level", "warning"]
        if threads > 1:
            cmd += ["--threads", str(threads)]
        self.log = open(tempfile.mktemp(prefix="bench-gunicorn-", suffix=".log"), "w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not answer on port {port}; log: {self.log.name}")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class RssSampler(threading.Thread):
    """Peak VmRSS / VmHWM (kB) of each gunicorn worker, sampled every 0.5 s."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.peak: dict[int, dict[str, int]] = {}
        self.stopping = threading.Event()

    def sample(self):
        for pid in self.server.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            values = {}
            for line in status.splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    values[key] = int(rest.split()[0])
            peak = self.peak.setdefault(pid, {})
            for key, value in values.items():
                peak[key] = max(peak.get(key, 0), value)

    def run(self):
        while not self.stopping.wait(0.5):
            self.sample()


CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> dict[int, float]:
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLK  # utime + stime
    return times


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def db_backends() -> list[int]:
    """PostgreSQL backends serving the benchmark database (their process
    title names it), so the database's CPU per request can be counted too."""
    db = os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1]
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmd.startswith(b"postgres: ") and f" {db} ".encode() in cmd:
                pids.append(int(entry.name))
    return pids


def flush_cache(redis_url: str):
    """Empty the benchmark's own Redis database (only that one)."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def publish_everywhere(redis_url: str, slugs: list[str]):
    """What the pages see after every column has published something since
    they were cached: each column's version and ``items`` move on (the page
    cache keeps nothing valid), while the shared look-ups (column totals,
    facets, topics) stay — the steady state of a site where items are
    published all day, not a cache emptied at start-up."""
    import redis

    r = redis.Redis.from_url(redis_url)
    prefix = os.environ.get("CACHE_PREFIX", "gongkai")
    for name in ["items", *(f"column:{slug}" for slug in slugs)]:
        r.incr(f"{prefix}:1:portal:v:{name}")


def run_wrk(port: int, paths: list[str], duration: int, connections: int, threads: int = 2, cookie: str = "") -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
        path_file = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        lua = f.name
    env = {**os.environ, "BENCH_PATHS": path_file, "BENCH_THREADS": str(threads)}
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s", "-s", lua]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(f"http://127.0.0.1:{port}")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60)
    os.unlink(path_file)
    os.unlink(lua)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line[len("BENCH_JSON "):])
            result["rps"] = round(result["requests"] / result["duration_s"], 1)
            return result
    raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")


def warm_every(port: int, paths: list[str], limit_s: int = 240):
    """Request every URL once (8 at a time, at most ``limit_s`` seconds) so
    the measured run finds each page in the cache."""
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.monotonic() + limit_s

    def get(path):
        if time.monotonic() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                r.read()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(get, paths))
    if time.monotonic() >= deadline:
        print(f"warm-up stopped after {limit_s} s: not every page is cached", flush=True)


def main():
    parser = argparse.ArgumentParser(description="Load benchmark of the public pages")
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn --threads (gthread) when > 1")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument("--only", default="", help="comma-separated scenarios")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    if not (1024 < args.port < 65536) or args.duration > 120:
        raise SystemExit("bounded runs only: port > 1024, --duration ≤ 120")

    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    env = {**os.environ, "REDIS_URL": redis_url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    env.pop("GONGKAI_PRODUCTION", None)
    os.environ.update({"REDIS_URL": redis_url})
    django_setup()
    from django.db import connection

    from gongkai.catalogue.models import Item

    items_total = Item.objects.count()
    urls = sample_urls()
    connection.close()

    # (name, url list key, flush first, warm-up seconds)
    plan = [
        ("healthz", "healthz", False, 3),
        ("list-cold", "list", True, 0),
        ("list-warm", "list-warm", False, -1),
        ("list-after-publish", "list", "publish", 0),
        ("item-cold", "item-cold", True, 0),
        ("item-warm", "item-warm", False, -1),
        ("guide", "guide", False, 3),
        ("search-1", "search-1", False, 3),
        ("search-2", "search-2", False, 3),
        ("search-common", "search-common", False, 3),
        ("search-distinct", "search-distinct", True, 0),
        ("healthz-end", "healthz", False, 0),
    ]
    if args.only:
        wanted = set(args.only.split(","))
        plan = [p for p in plan if p[0] in wanted]

    server = Server(args.port, args.workers, args.threads, env)
    sampler = RssSampler(server)
    sampler.start()
    results = {}
    try:
        for name, key, flush, warmup in plan:
            paths = urls[key]
            if flush == "publish":
                publish_everywhere(redis_url, urls["slugs"])
                time.sleep(1.5)
            elif flush:
                flush_cache(redis_url)
                # Each worker's in-memory pages go once it sees the new versions (≤ 1 s).
                time.sleep(1.5)
            if warmup == -1:
                warm_every(args.port, paths)
            elif warmup:
                run_wrk(args.port, paths, warmup, args.connections)
            app_before, db_before = cpu_seconds(server.workers()), cpu_seconds(db_backends())
            result = run_wrk(args.port, paths, args.duration, args.connections)
            app_cpu = cpu_delta(app_before, cpu_seconds(server.workers()))
            db_cpu = cpu_delta(db_before, cpu_seconds(db_backends()))
            result["distinct_urls"] = len(paths)
            # CPU per request does not depend on what else the machine runs:
            # 2 cores / (app + db CPU per request) bounds throughput on an idle machine.
            result["app_cpu_ms_per_req"] = round(1000 * app_cpu / max(result["requests"], 1), 2)
            result["db_cpu_ms_per_req"] = round(1000 * db_cpu / max(result["requests"], 1), 2)
            results[name] = result
            print(f"{name:14s} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f}  "
                  f"p99 {result['p99_ms']:7.1f} ms  errors {result['status_errors'] + result['timeouts'] + result['read_errors']}"
                  f"  ({result['requests']} requests over {len(paths)} URLs)  cpu/req app {result['app_cpu_ms_per_req']} ms db {result['db_cpu_ms_per_req']} ms", flush=True)
    finally:
        sampler.stopping.set()
        sampler.sample()
        server.stop()

    base = results.get("healthz", {}).get("rps")
    summary = {
        "label": args.label,
        "items": items_total,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "connections": args.connections,
        "duration_s": args.duration,
        "results": results,
        "ratios_to_healthz": {k: round(v["rps"] / base, 3) for k, v in results.items() if base},
        "worker_peak_kb": {str(pid): v for pid, v in sampler.peak.items()},
        "worker_peak_rss_mb_max": round(max((v.get("VmHWM", 0) for v in sampler.peak.values()), default=0) / 1024, 1),
        "load_average_at_end": os.getloadavg(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    name = f"load-{args.label or 'run'}.json"
    (RESULTS / name).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps({k: summary[k] for k in ("ratios_to_healthz", "worker_peak_rss_mb_max", "load_average_at_end")}))
    print(f"written to bench/results/{name}")


if __name__ == "__main__":
    main()
