"""Publish → searchable latency (发布后可检索的延迟).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench \
    SEARCH_INDEX_DIR=/tmp/bench-search/index \
        .venv/bin/python bench/search_latency.py [--rounds 10]

Each round edits a random published item (a unique marker word appended to
its title) in a transaction and, exactly as ``catalogue.services.publish``
does, sends ``item_public_changed`` on commit; with no Celery broker the
search app's receiver indexes the item in-process (eager), as a web process
publishing would. A separate *reader* process — the same code path as a web
worker's search view (``gongkai.search.services.search`` with its periodic
index reload) — polls for the marker every 20 ms. Reported per round:

* ``indexed_s`` – commit → the receiver returned (index writer committed);
* ``searchable_s`` – commit → the reader process found the item.

The titles are restored (and re-indexed) at the end.
Results: bench/results/search-latency.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()


def reader(requests, answers):
    """A web-worker-like process: find each marker, answer when found."""
    _setup()
    from gongkai.search import services

    services.search("政府")  # open the index and warm it like a serving worker
    answers.put(("ready", time.time()))
    while True:
        marker = requests.get()
        if marker is None:
            return
        deadline = time.time() + 60
        found_at = None
        while time.time() < deadline:
            if services.search(marker).total:
                found_at = time.time()
                break
            time.sleep(0.02)
        answers.put((marker, found_at))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    _setup()
    from django.db import transaction

    from gongkai.catalogue.models import Item
    from gongkai.catalogue.signals import item_public_changed

    ctx = multiprocessing.get_context("spawn")
    requests, answers = ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=reader, args=(requests, answers), daemon=True)
    proc.start()
    try:
        assert answers.get(timeout=120)[0] == "ready"
        rng = random.Random()
        last = Item.objects.published().order_by("-pk").values_list("pk", flat=True).first()
        rounds, originals = [], {}
        for _ in range(args.rounds):
            while True:
                item = Item.objects.published().filter(pk=rng.randint(1, last)).first()
                if item and item.pk not in originals:
                    break
            originals[item.pk] = (item.title, item.organ_id)
            marker = "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
            requests.put(marker)
            time.sleep(0.1)
            with transaction.atomic():
                Item.objects.filter(pk=item.pk).update(title=f"{item.title} {marker}")
                transaction.on_commit(lambda pk=item.pk, organ=item.organ_id: item_public_changed.send(sender=Item, item_id=pk, organ_id=organ))
                committed = time.time()
            indexed = time.time()  # on_commit receivers ran synchronously (eager tasks)
            got_marker, found_at = answers.get(timeout=90)
            assert got_marker == marker
            row = {"item": item.pk, "indexed_s": round(indexed - committed, 3),
                   "searchable_s": round(found_at - committed, 3) if found_at else None}
            rounds.append(row)
            print(row, flush=True)
            time.sleep(rng.uniform(0.2, 1.0))
    finally:
        requests.put(None)
        proc.join(timeout=10)
        if proc.is_alive():
            proc.terminate()
    for pk, (title, organ) in originals.items():
        with transaction.atomic():
            Item.objects.filter(pk=pk).update(title=title)
            transaction.on_commit(lambda pk=pk, organ=organ: item_public_changed.send(sender=Item, item_id=pk, organ_id=organ))
    searchable = [r["searchable_s"] for r in rounds if r["searchable_s"] is not None]
    summary = {
        "items": Item.objects.count(),
        "rounds": rounds,
        "searchable_max_s": max(searchable) if searchable else None,
        "searchable_median_s": statistics.median(searchable) if searchable else None,
        "indexed_median_s": statistics.median(r["indexed_s"] for r in rounds),
        "not_found": sum(1 for r in rounds if r["searchable_s"] is None),
        "load_average": os.getloadavg(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search-latency.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "rounds"}))


if __name__ == "__main__":
    main()
