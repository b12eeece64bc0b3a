"""Recall of the site search on the demo city, by query kind.

    .venv/bin/python bench/search/recall.py [--queries bench/search/recall_queries.tsv] [--misses] [--json FILE]

Builds the demo (``load_demo``, default size) into a scratch SQLite database and a scratch index in a temporary
folder — with Django's clock pinned to ``--date`` (default 2026-12-07, the day the query set was written against;
the demo's dates, 索引号 and 文号 move with the day it is built) — then asks ``gongkai.search.services.search``
every query of the set, 10 results per page, as the portal's search page asks it.

The query file is tab-separated with a header ``query<TAB>kind<TAB>expected``; ``expected`` is one or more index
numbers (索引号) separated by ``|``. For each kind it reports:

* recall@10 — the expected items among the first 10 results ÷ the expected items, averaged over the queries;
* all in 10 — the share of queries whose every expected item is in the first 10 (the query "passes");
* any in 10 — the share with at least one expected item in the first 10;
* first hit — for ``index_number`` and ``document_number``: the share whose expected item is the first result.

Two columns of figures: **page** — what the search page shows (for a query that finds nothing, the results of the
corrected query it offers, "您是不是要找"); **as typed** — the query's own results only, no correction.
Nothing outside the temporary folder is touched (no Redis, no broker: the cache is the process's memory).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import inspect
import io
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent.parent
DAY = "2026-12-07"
IDENTIFIER_KINDS = ("index_number", "document_number")


def read_queries(path: Path) -> list[tuple[str, str, list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    if [h.strip() for h in header[:3]] != ["query", "kind", "expected"]:
        raise SystemExit(f"{path}: the header must be query<TAB>kind<TAB>expected, not {header!r}")
    return [(row[0], row[1].strip(), [e.strip() for e in row[2].split("|") if e.strip()]) for row in body if row]


def build_demo(day: str) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    start = start.astimezone(dt.UTC)
    began = time.monotonic()

    def pinned_now() -> dt.datetime:
        return start + dt.timedelta(seconds=time.monotonic() - began)

    # load_demo reports what it builds and the console mail backend prints every message: not wanted here.
    with mock.patch.object(timezone, "now", pinned_now), contextlib.redirect_stdout(io.StringIO()):
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        call_command("rebuild_search_index", processes=1, verbosity=0)


def measure(queries, *, correct: bool, per_page: int = 10) -> dict:
    from gongkai.catalogue.models import Item
    from gongkai.search.services import search

    numbers = dict(Item.objects.exclude(index_number=None).values_list("pk", "index_number"))
    # An older search (to compare with) may have no correction.
    options = {"correct": correct} if "correct" in inspect.signature(search).parameters else {}
    known = set(numbers.values())
    by_kind: dict[str, list[dict]] = defaultdict(list)
    cpu = 0.0
    for query, kind, expected in queries:
        unknown = [e for e in expected if e not in known]
        started = time.process_time()
        results = search(query, per_page=per_page, remember=False, **options)
        cpu += time.process_time() - started
        found = [numbers.get(pk) for pk in results.ids]
        hit = [e for e in expected if e in found]
        by_kind[kind].append({
            "query": query,
            "expected": expected,
            "unknown": unknown,
            "found": found,
            "recall": len(hit) / len(expected) if expected else 0.0,
            "all": len(hit) == len(expected),
            "any": bool(hit),
            "first": bool(found) and found[0] in expected,
            "corrected_to": results.suggestion if getattr(results, "corrected_from", "") else "",
            "split": getattr(results, "split", {}),
        })
    return {"kinds": by_kind, "cpu_ms_per_query": 1000 * cpu / max(1, len(queries))}


def summary(rows: list[dict]) -> dict:
    n = len(rows)
    return {
        "n": n,
        "recall": sum(r["recall"] for r in rows) / n if n else 0.0,
        "all": sum(r["all"] for r in rows) / n if n else 0.0,
        "any": sum(r["any"] for r in rows) / n if n else 0.0,
        "first": sum(r["first"] for r in rows) / n if n else 0.0,
    }


def report(page: dict, typed: dict) -> str:
    lines = [
        "| kind | n | recall@10 page / as typed | all in 10 page / as typed | any in 10 | first hit |",
        "|---|---:|---|---|---|---|",
    ]
    kinds = sorted(page["kinds"])
    everything_page, everything_typed = [], []
    for kind in kinds:
        p, t = summary(page["kinds"][kind]), summary(typed["kinds"][kind])
        everything_page += page["kinds"][kind]
        everything_typed += typed["kinds"][kind]
        first = f"{p['first']:.0%}" if kind in IDENTIFIER_KINDS else ""
        lines.append(f"| {kind} | {p['n']} | {p['recall']:.1%} / {t['recall']:.1%} | {p['all']:.0%} / {t['all']:.0%} "
                     f"| {p['any']:.0%} | {first} |")
    p, t = summary(everything_page), summary(everything_typed)
    lines.append(f"| **all** | {p['n']} | **{p['recall']:.1%}** / {t['recall']:.1%} | {p['all']:.0%} / {t['all']:.0%} "
                 f"| {p['any']:.0%} | |")
    lines.append("")
    lines.append(f"CPU per query (search service, result cache off): {page['cpu_ms_per_query']:.2f} ms with correction, "
                 f"{typed['cpu_ms_per_query']:.2f} ms as typed")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=ROOT / "bench/search/recall_queries.tsv")
    parser.add_argument("--date", default=DAY, help=f"the day the demo is built as of (default {DAY})")
    parser.add_argument("--misses", action="store_true", help="list the queries whose expected items are not all in 10")
    parser.add_argument("--json", type=Path, help="write every query's outcome here")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary one, removed after)")
    args = parser.parse_args()
    queries = read_queries(args.queries)

    scratch = tempfile.TemporaryDirectory(prefix="recall-") if args.workdir is None else None
    workdir = args.workdir or Path(scratch.name)
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.sqlite3'}"
    os.environ["SEARCH_INDEX_DIR"] = str(workdir / "index")
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    started = time.monotonic()
    build_demo(args.date)
    print(f"demo built and indexed in {time.monotonic() - started:.0f} s ({workdir})", file=sys.stderr)

    from gongkai.catalogue.models import Item

    print(f"{Item.objects.published().count()} published items; {len(queries)} queries from {args.queries}")
    page = measure(queries, correct=True)
    typed = measure(queries, correct=False)
    unknown = sorted({e for rows in page["kinds"].values() for r in rows for e in r["unknown"]})
    if unknown:
        print(f"warning: {len(unknown)} expected index numbers are not in this demo build: {unknown[:5]} …")
    print(report(page, typed))
    if args.misses:
        print("\nQueries with an expected item missing from the first 10 (page):")
        for kind in sorted(page["kinds"]):
            for row in page["kinds"][kind]:
                if not row["all"]:
                    missing = [e for e in row["expected"] if e not in row["found"]]
                    extra = f" → {row['corrected_to']}" if row["corrected_to"] else ""
                    print(f"  [{kind}] {row['query']}{extra}: {len(missing)}/{len(row['expected'])} missing")
    if args.json:
        def compact(run):
            return {
                "cpu_ms_per_query": run["cpu_ms_per_query"],
                "kinds": {kind: summary(rows) for kind, rows in run["kinds"].items()},
                "queries": [
                    {"kind": kind, **{k: row[k] for k in ("query", "recall", "all", "first", "corrected_to", "split")},
                     "missing": [e for e in row["expected"] if e not in row["found"]]}
                    for kind, rows in run["kinds"].items() for row in rows
                ],
            }

        args.json.write_text(json.dumps({"page": compact(page), "as_typed": compact(typed)}, ensure_ascii=False, indent=1))
    if scratch is not None:
        scratch.cleanup()


if __name__ == "__main__":
    main()
