"""Print the catalogue benchmark figures (bench/results/*.json) as the
Markdown table used in docs/performance.md.

    .venv/bin/python bench/catalogue_figures.py [load-label ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {  # scenario: (p95 target ms, what)
    "list-cold": 50, "list-warm": 50, "item-cold": 50, "item-warm": 50, "guide": 50,
    "search-1": 150, "search-2": 150, "search-common": 150,
}


def load_table(label: str) -> str:
    data = json.loads((RESULTS / f"load-{label}.json").read_text())
    g = data["gunicorn"]
    lines = [
        f"Run `{label}`: {data['items']:,} items, gunicorn {g['workers']} workers × {g['threads']} thread(s), "
        f"{data['connections']} connections, {data['duration_s']} s per scenario, finished {data['finished_at']}, "
        f"load average at end {', '.join(f'{x:.1f}' for x in data['load_average_at_end'])}.",
        "",
        "| scenario | req/s | ÷ healthz | p50 ms | p95 ms | p99 ms | errors | requests / distinct URLs | app CPU ms/req | DB CPU ms/req | p95 target | p95 verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in data["results"].items():
        target = TARGETS.get(name)
        errors = r["status_errors"] + r["timeouts"] + r["read_errors"] + r["connect_errors"]
        verdict = "" if target is None else ("met" if r["p95_ms"] <= target and not errors else "**not met**")
        lines.append(
            f"| {name} | {r['rps']:.0f} | {data['ratios_to_healthz'].get(name, 0):.2f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {errors} | {r['requests']} / {r['distinct_urls']} | {r.get('app_cpu_ms_per_req', '')} | "
            f"{r.get('db_cpu_ms_per_req', '')} | {target or ''} | {verdict} |"
        )
    lines.append("")
    lines.append(f"Peak RSS of a gunicorn worker (VmHWM): {data['worker_peak_rss_mb_max']} MB "
                 f"(per worker, kB: {json.dumps(data['worker_peak_kb'])}).")
    return "\n".join(lines)


def main():
    labels = sys.argv[1:] or sorted(p.stem[5:] for p in RESULTS.glob("load-*.json"))
    for label in labels:
        print(load_table(label) + "\n")
    latency = RESULTS / "search-latency.json"
    if latency.exists():
        data = json.loads(latency.read_text())
        print(f"Publish → searchable: median {data['searchable_median_s']} s, max {data['searchable_max_s']} s over "
              f"{len(data['rounds'])} rounds (indexing median {data['indexed_median_s']} s), not found {data['not_found']}.")


if __name__ == "__main__":
    main()
