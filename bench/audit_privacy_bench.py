"""Costs of the audit chain and of personal-data encryption, in process (no HTTP).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gk_bench_audit   # a database of its own (migrated here)
    .venv/bin/python bench/audit_privacy_bench.py --events 5000

Prints: microseconds per encrypt/decrypt of one field (AES-256-GCM and SM4) and per blind index; milliseconds per
audit append (one event, its own transaction: lock the chain head, insert, move the head) and per bulk append of
1,000; verification throughput (events/s, streamed) and the peak memory it used (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")


def per_call(fn, n):
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - start) / n)
    return statistics.median(runs)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from gongkai.core import chain, crypto
    from gongkai.core.audit import log_action, record_many
    from gongkai.core.models import AuditEvent
    from gongkai.organs.models import Organ

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    key = crypto.new_key()
    for cipher in ("aes-gcm", "sm4"):
        ring = crypto.build_keyring(type("S", (), {"FIELD_ENCRYPTION_KEYS": f"k1:{key}", "FIELD_ENCRYPTION_KEY_ID": "",
                                                  "FIELD_ENCRYPTION_CIPHER": cipher, "BLIND_INDEX_KEY": key,
                                                  "PRODUCTION": False, "SECRET_KEY": "x"})())
        token = crypto.encrypt("11010519491231002X", context="applications.application.id_number", ring=ring)
        n = 2000 if cipher == "aes-gcm" else 20  # SM4 in pure Python is slow
        enc = per_call(lambda ring=ring: crypto.encrypt("11010519491231002X", context="applications.application.id_number", ring=ring), n)
        dec = per_call(lambda ring=ring, token=token: crypto.decrypt(token, context="applications.application.id_number", ring=ring), n)
        print(f"{cipher}: encrypt {enc * 1e6:.1f} µs, decrypt {dec * 1e6:.1f} µs per field")
    bidx = per_call(lambda: crypto.blind_index("11010519491231002X", purpose="id_number"), 2000)
    print(f"blind index: {bidx * 1e6:.1f} µs")

    organ = Organ.objects.first() or Organ.objects.create(name="基准测试局", slug="bench-audit", code="BENCH00000000001")
    single = []
    for _ in range(200):
        start = time.perf_counter()
        log_action(organ, "bench.single", data={"n": 1})
        single.append(time.perf_counter() - start)
    print(f"log_action (own transaction): median {statistics.median(single) * 1000:.2f} ms, "
          f"p95 {sorted(single)[int(len(single) * 0.95)] * 1000:.2f} ms")
    kind = ContentType.objects.get_for_model(Organ)
    start = time.perf_counter()
    for _ in range(max(1, args.events // 1000)):
        record_many([AuditEvent(actor_name="bench", organ=organ, action="bench.bulk", target_type=kind,
                                target_id=str(organ.pk), target_repr=str(organ), data={"i": i}) for i in range(1000)])
    bulk = time.perf_counter() - start
    print(f"record_many: {bulk / max(1, args.events // 1000) * 1000:.0f} ms per 1,000 events")
    total = AuditEvent.objects.count()
    tracemalloc.start()
    start = time.perf_counter()
    result = chain.verify_chain()
    took = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"verify_chain: {total} events in {took:.2f} s ({total / took:,.0f} events/s), ok={result.ok}, "
          f"peak traced memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
