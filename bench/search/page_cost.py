"""CPU cost of a search page asked for the first time, against the trivial view.

    DATABASE_URL=sqlite:////tmp/search-cost/db.sqlite3 SEARCH_INDEX_DIR=/tmp/search-cost/index \\
        .venv/bin/python bench/search/page_cost.py [--items 20000] [--rounds 2] [--json FILE]

Fills the database with ``--items`` generated items when it holds fewer (bench/generate_catalogue.py), rebuilds
the index when it is empty, then renders pages in this process with Django's test client (DEBUG off, no page
cache, the result cache emptied before every request, so every search page is a query never asked before —
the worst case of bench/load.py's ``search-distinct``). Per scenario: CPU milliseconds per request (median,
p95) and the ratio to ``/healthz`` measured in the same run. CPU time, unlike latency, does not depend on what
else the shared machine runs.

Scenarios: the one-word, two-word and common-word queries of bench/load.py; ``typo`` (queries that find
nothing: the correction is looked for and its results shown); ``synonym`` (abbreviations expanded);
``traditional``; ``number`` (a 文号 typed with other brackets). ``catalogue list``: an organ's catalogue (目录)
page, 20 rows built in Python like the hits (``gongkai.core.htmlrows``), pages 1–5 of the organs with most items.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TYPO = ["生态环竟", "安全生厂", "乡村振性", "养老服物", "营商环竞", "垃圾分内", "食品安权", "住房保樟", "政务公升", "消防安泉"]
SYNONYM = ["环保", "工信", "发改", "人社", "住建", "卫健", "市监", "医保", "低保", "技改"]
TRADITIONAL = ["環境保護", "鄉村振興", "養老服務", "營商環境", "垃圾分類", "食品安全", "住房保障", "政務公開", "消防安全", "社會救助"]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from load import COMMON, ONE_WORD, TWO_WORD

    from gongkai.catalogue.models import Item
    from gongkai.search import index as ix

    call_command("migrate", verbosity=0)
    have = Item.objects.count()
    if have < args.items:
        subprocess.run([sys.executable, str(ROOT / "bench/generate_catalogue.py"), str(args.items - have)], check=True)
    if ix.highest_indexed_id() == 0:
        call_command("rebuild_search_index", processes=1)
    docnos = list(Item.objects.published().exclude(document_number="").values_list("document_number", flat=True)[:10])
    numbers = [d.replace("〔", "[").replace("〕", "]") for d in docnos]

    from django.db.models import Count

    from gongkai.organs.models import Organ

    slugs = list(Organ.objects.annotate(n=Count("items")).order_by("-n").values_list("slug", flat=True)[:4])
    client = Client()
    scenarios = {
        "healthz": ["/healthz"] * 40,
        "one word": [f"/search/?q={q}" for q in ONE_WORD],
        "two words": [f"/search/?q={q}" for q in TWO_WORD],
        "common words": [f"/search/?q={q}" for q in COMMON],
        "typo (corrected)": [f"/search/?q={q}" for q in TYPO],
        "synonym": [f"/search/?q={q}" for q in SYNONYM],
        "traditional": [f"/search/?q={q}" for q in TRADITIONAL],
        "文号 other brackets": [f"/search/?q={q}" for q in numbers],
        "catalogue list": [f"/{slug}/catalogue/?page={page}" for slug in slugs for page in range(1, 6)],
    }
    for url in scenarios["one word"][:3] + ["/healthz"]:  # warm-up: imports, look-ups, the vocabulary
        client.get(url)
    client.get("/search/?q=生态环竟")
    client.get(f"/{slugs[0]}/catalogue/")
    out = {"items": Item.objects.published().count(), "scenarios": {}}
    for name, urls in scenarios.items():
        costs = []
        for _ in range(args.rounds):
            for url in urls:
                cache.clear()
                started = time.process_time()
                response = client.get(url)
                costs.append(1000 * (time.process_time() - started))
                assert response.status_code == 200, (url, response.status_code)
        out["scenarios"][name] = {"n": len(costs), "median_ms": statistics.median(costs), "p95_ms": percentile(costs, 0.95)}
    base = out["scenarios"]["healthz"]["median_ms"]
    print(f"{out['items']} published items; CPU ms per request (result and page caches empty)")
    print("| scenario | median | p95 | ratio to /healthz (median) |")
    print("|---|---:|---:|---:|")
    for name, row in out["scenarios"].items():
        row["ratio"] = row["median_ms"] / base if base else 0
        print(f"| {name} | {row['median_ms']:.2f} | {row['p95_ms']:.2f} | {row['ratio']:.1f}× |")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
