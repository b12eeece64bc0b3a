"""Link-checker benchmark: crawl and check the generated loopback site (loopback_site.py), then compare.

    .venv/bin/python bench/linkcheck/run.py --pages 2000 --links 30 [--lychee PATH] [--linkchecker PATH]

Starts site.py in its own process, runs gongkai's checker in this one and reports wall time, CPU time (user +
system of this process), links/s, peak RSS, recall and precision on the planted broken links. The same run
measures a trivial request — a bare aiohttp GET of every checked address, same concurrency, no parsing — so the
checker's CPU per request can be read as a ratio to it (the machine's speed varies from day to day). With
--lychee, lychee checks the list of addresses gongkai checked (URL-list mode, no crawl; its default pause of
50 ms between two requests to one host is set to 0, as gongkai's politeness delay is in this run); with --linkchecker,
LinkChecker crawls the site. Results are written to bench/results/linkcheck-<pages>x<links>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))

from loopback_site import expected  # noqa: E402

from gongkai.webhealth.checker import Config, crawl  # noqa: E402


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def trivial(urls: list[str], concurrency: int) -> int:
    """GET each address once with nothing else done: the floor any asyncio Python checker pays per request."""
    queue = list(urls)
    done = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done
        while queue:
            url = queue.pop()
            try:
                async with session.get(url, allow_redirects=False) as response:
                    await response.read()
                    done += 1
            except aiohttp.ClientError:
                pass

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return done


def run_external(command: list[str], timeout: float) -> dict:
    cpu0, wall0 = cpu_children(), time.monotonic()
    try:
        process = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        code, tail = process.returncode, (process.stdout + process.stderr)[-600:]
    except subprocess.TimeoutExpired:
        code, tail = None, f"stopped after {timeout} s"
    return {"command": " ".join(command), "wall_s": round(time.monotonic() - wall0, 2),
            "cpu_s": round(cpu_children() - cpu0, 2), "exit": code, "output_tail": tail}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--links", type=int, default=30)
    parser.add_argument("--port", type=int, default=18000)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--per-host", type=int, default=32)
    parser.add_argument("--parse-workers", type=int, default=0, help="processes that parse pages (Config.parse_workers)")
    parser.add_argument("--lychee", default="")
    parser.add_argument("--linkchecker", default="")
    parser.add_argument("--label", default="")
    parser.add_argument("--external-timeout", type=float, default=1800, help="seconds lychee or LinkChecker may take")
    options = parser.parse_args()

    server = subprocess.Popen(
        [sys.executable, str(HERE / "loopback_site.py"), "--pages", str(options.pages), "--links", str(options.links),
         "--port", str(options.port)], stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        root = f"http://127.0.0.1:{options.port}"
        config = Config(
            start_urls=[root + "/p/0.html"], max_connections=options.concurrency, per_host_concurrency=options.per_host,
            max_pages=options.pages + 100, retries=1, read_timeout=10, connect_timeout=5,
            parse_workers=options.parse_workers,
        )
        # The parse workers are reaped when the crawl ends, so their CPU is in RUSAGE_CHILDREN by then (the site
        # server, a child too, is reaped only at the end of the benchmark).
        cpu0, wall0 = cpu_self() + cpu_children(), time.monotonic()
        report = asyncio.run(crawl(config))
        wall, cpu = time.monotonic() - wall0, cpu_self() + cpu_children() - cpu0
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        planted = expected(options.pages, options.port)
        found = {r.url: str(r.error) for r in report.broken}
        true_positive = sum(1 for url, kind in found.items() if planted.get(url) == kind)
        checked = sorted(u for u, r in report.results.items() if r.skipped is None and "#" not in u and "://" in u)

        cpu1, wall1 = cpu_self(), time.monotonic()
        answered = asyncio.run(trivial(checked, options.concurrency))
        trivial_wall, trivial_cpu = time.monotonic() - wall1, cpu_self() - cpu1

        figures = {
            "label": options.label, "parse_workers": options.parse_workers, "pages": options.pages, "links_per_page": options.links,
            "pages_crawled": report.pages_crawled, "links_found": report.links_found, "addresses_checked": len(checked),
            "requests": report.requests, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "links_per_s": round(report.links_found / wall), "addresses_per_s": round(len(checked) / wall),
            "cpu_ms_per_request": round(cpu * 1000 / report.requests, 3), "peak_rss_mb": round(peak_rss_mb, 1),
            "planted": len(planted), "found_broken": len(found),
            "recall": true_positive / len(planted), "precision": true_positive / len(found) if found else 1.0,
            "missed": sorted(set(planted) - set(found))[:10],
            "false_alarms": sorted(set(found) - set(planted))[:10],
            "trivial": {"requests": answered, "wall_s": round(trivial_wall, 2), "cpu_s": round(trivial_cpu, 2),
                        "cpu_ms_per_request": round(trivial_cpu * 1000 / max(answered, 1), 3)},
        }
        figures["cpu_ratio_to_trivial"] = round(figures["cpu_ms_per_request"] / figures["trivial"]["cpu_ms_per_request"], 2)
        print(json.dumps(figures, ensure_ascii=False), flush=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(checked) + "\n")
        if options.lychee:
            figures["lychee"] = run_external(
                [options.lychee, "--no-progress", "--max-concurrency", str(options.concurrency), "--max-retries", "1",
                 "--host-concurrency", str(options.per_host), "--host-request-interval", "0ms", "--timeout", "10", "--format", "compact", listing.name],
                timeout=options.external_timeout,
            )
            figures["wall_ratio_to_lychee"] = round(wall / figures["lychee"]["wall_s"], 2)
        if options.linkchecker:
            figures["linkchecker"] = run_external(
                [options.linkchecker, "--no-status", "--check-extern", "-t", "32", "--no-robots", root + "/p/0.html"],
                timeout=options.external_timeout,
            )
            figures["linkchecker_wall_ratio"] = round(figures["linkchecker"]["wall_s"] / wall, 2)
        os.unlink(listing.name)
    finally:
        server.terminate()
        server.wait()
    out = HERE.parent / "results" / f"linkcheck-{options.pages}x{options.links}{'-' + options.label if options.label else ''}.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
