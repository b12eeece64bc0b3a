"""Generate a realistic catalogue for benchmarks (公开目录基准数据).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench \
        nice -n 10 .venv/bin/python bench/generate_catalogue.py 1000000 [--workers 2] [--seed 1]

Makes N published, proactively disclosed items (主动公开, 已发布) with index
numbers, spread over 50 organs (one city government, its departments and
towns; created when missing), with Chinese titles, 发文字号, bodies of
300–3,000 characters built from real government phrases (bench/vocabulary.py),
dates over 2019–2026 and some repealed items. Rows go into the real tables:
the column list is read from ``catalogue.Item``'s model at run time, and a
column the generator does not know is filled with the field's default (or
refused with a clear message when it has none), so the generator follows
schema changes. PostgreSQL uses psycopg COPY (one worker process per
``--workers``, each owning whole organs so index serials stay gap-free);
SQLite uses executemany. IndexCounter rows are brought up to the last serial
so publishing through the catalogue service continues the numbering.

Running it again adds N more items (serials continue). The timing is printed
and written to bench/results/generate-<N>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

import vocabulary as V  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongkai.accounts.models import User  # noqa: E402
from gongkai.catalogue import index_numbers  # noqa: E402
from gongkai.catalogue.models import Category, IndexCounter, Item, Topic  # noqa: E402
from gongkai.organs.models import Organ, OrganKind  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.date(2019, 1, 2)
LAST_DAY = dt.date(2026, 11, 20)
ORGANS = 50
POOL_SIZE = 30_000
RESULTS = ROOT / "bench" / "results"

# Share of items per category code (工作动态 and 通知公告 dominate real catalogues).
CATEGORY_WEIGHTS = {
    "GZDT": 30, "TZGG": 18, "QTWJ": 12, "GFXWJ": 6, "GZ": 1, "ZCJD": 5, "RSXX": 4, "CZYJS": 3, "GHJH": 3,
    "TJXX": 4, "XZXK": 4, "XZCF": 3, "ZFCG": 4, "ZDXM": 2, "JYTA": 2, "JGZN": 1,
}
NUMBERED = {"GZ", "GFXWJ", "QTWJ", "TZGG", "GHJH", "CZYJS", "JYTA"}  # categories that carry a 发文字号


# --- setup (ORM, once) ------------------------------------------------------------------


def ensure_setup() -> dict:
    """The bench user, 50 organs, and the topics and categories (seeded by migration)."""
    user, _ = User.objects.get_or_create(username="bench", defaults={"full_name": "基准测试", "email": "bench@example.gov.cn"})
    guide = {
        "office_name": "办公室（政务公开科）", "address": "临江市人民大道1号", "postcode": "310000",
        "office_hours": "工作日上午9:00—12:00，下午14:00—17:30", "phone": "0571-87000000", "fax": "0571-87000001",
        "email": "gongkai@linjiang.example.gov.cn", "functions": "负责本机关政府信息公开的日常工作。",
    }
    gov, _ = Organ.objects.get_or_create(
        slug="bench-gov",
        defaults={"name": "临江市人民政府", "short_name": "市政府", "code": "11330100BENCH00000", "kind": OrganKind.GOVERNMENT, **guide},
    )
    organs = [(gov, "市政", "市政府")]
    specs = [(f"临江市{name}", short, abbr, OrganKind.DEPARTMENT) for name, short, abbr in V.DEPARTMENTS]
    specs += [(f"临江市{town}", town, town[:2], OrganKind.TOWN) for town in V.TOWNS]
    for n, (name, short, abbr, kind) in enumerate(specs[: ORGANS - 1], start=1):
        organ, _ = Organ.objects.get_or_create(
            slug=f"bench-{n:02d}",
            defaults={"name": name, "short_name": short, "code": f"11330100BENCH{n:05d}", "kind": kind, "parent": gov, **guide},
        )
        organs.append((organ, abbr, short))
    topics = list(Topic.objects.filter(is_active=True, children__isnull=True).values_list("pk", flat=True))
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    if not topics or not categories:
        raise SystemExit("No topics or categories: run `manage.py migrate` (migration catalogue 0003 seeds them).")
    return {"user": user, "organs": organs, "topics": topics, "categories": categories}


# --- row generation ----------------------------------------------------------------------


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    span = (LAST_DAY - FIRST_DAY).days
    return sorted(FIRST_DAY + dt.timedelta(days=int(rng.random() ** 0.8 * span)) for _ in range(n))


def _body(rng: random.Random, pool: list[str], topic: str, org: str, year: int, numbered: bool) -> tuple[str, str]:
    target = int(rng.triangular(300, 3000, 700))
    k = max(6, target // 48)
    sentences = rng.choices(pool, k=k)
    for pos in (0, k // 2, k - 1):
        sentences.insert(pos, V.fill(rng.choice(V.SENTENCES), rng, topic=topic, org=org, year=year))
    while sum(map(len, sentences)) > 2900 and len(sentences) > 6:
        sentences.pop()
    while sum(map(len, sentences)) < 300:
        sentences.append(rng.choice(pool))
    paragraphs, html, i = [], [], 0
    headings = rng.choice(V.HEADINGS) if numbered else ()
    h = 0
    while i < len(sentences):
        if headings and h < len(headings) and i % 7 == 1:
            paragraphs.append(headings[h])
            html.append(f"<p><strong>{headings[h]}</strong></p>")
            h += 1
        step = rng.randint(2, 5)
        para = "".join(sentences[i : i + step])
        paragraphs.append(para)
        html.append(f"<p>{para}</p>")
        i += step
    return "".join(html), "".join(paragraphs)


def _escape(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return _escape(json.dumps(value, ensure_ascii=False))
    return str(value)


def column_plan():
    """The columns of catalogue_item (from the model) and a constant for
    every column the generator does not fill itself."""
    now = timezone.now()
    known = {
        "organ_id", "department_id", "title", "body", "body_text", "summary", "topic_id", "category_id", "document_number",
        "date_formed", "keywords", "validity", "validity_changed_on", "validity_note", "disclosure", "state", "version",
        "revision_state", "index_number", "index_year", "index_serial", "published_at", "published_by_id", "created_by_id",
        "created_at", "updated_at", "interpretation_kind", "important", "on_portal", "attachments_text",
    }
    columns, constants = [], {}
    for field in Item._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append((field.attname, field.column))
        if field.attname in known:
            continue
        if field.has_default():
            constants[field.attname] = field.get_default()
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.attname] = now
        elif field.null:
            constants[field.attname] = None
        elif field.blank and field.get_internal_type() in ("CharField", "TextField", "URLField", "SlugField", "EmailField"):
            constants[field.attname] = ""
        else:
            raise SystemExit(f"catalogue.Item.{field.name} is new, required and has no default: teach bench/generate_catalogue.py to fill it.")
    return columns, constants


def organ_rows(task: dict):
    """Yield (row dict) for one organ's items, in publication order, with
    gap-free serials per year continuing ``task['serials']``."""
    rng = random.Random(task["seed"])
    pool = task["pool"]
    organ_id, template, organ_code, abbr, short = task["organ"]
    serials = dict(task["serials"])
    doc_numbers: dict[int, int] = {}
    cat_codes = list(task["categories"])
    cat_weights = [CATEGORY_WEIGHTS.get(c, 1) for c in cat_codes]
    for date_formed in _dates(rng, task["count"]):
        local = dt.datetime.combine(date_formed + dt.timedelta(days=rng.randint(0, 12)), dt.time(rng.randint(8, 18), rng.randint(0, 59)), SHANGHAI)
        published_at = min(local, dt.datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI)).astimezone(dt.UTC)
        local = published_at.astimezone(SHANGHAI)
        year = local.year
        serials[year] = serials.get(year, 0) + 1
        code = rng.choices(cat_codes, cat_weights)[0]
        cat_id, is_policy, is_interp = task["categories"][code]
        topic = rng.choice(V.TOPICS)
        if is_interp:
            title = V.fill(rng.choice(V.INTERPRETATION_TITLES), rng, topic=topic, org=short, year=date_formed.year)
        else:
            title = V.fill(rng.choice(V.TITLE_TEMPLATES), rng, topic=topic, org=short, year=date_formed.year)
        docno = ""
        if code in NUMBERED:
            doc_numbers[date_formed.year] = doc_numbers.get(date_formed.year, 0) + 1
            docno = f"{abbr}{'规' if is_policy else '发'}〔{date_formed.year}〕{doc_numbers[date_formed.year]}号"
        body, body_text = _body(rng, pool, topic, short, date_formed.year, bool(docno))
        repealed = is_policy and date_formed.year < 2024 and rng.random() < 0.3 or rng.random() < 0.01
        changed = min(date_formed + dt.timedelta(days=rng.randint(200, 1500)), LAST_DAY) if repealed else None
        yield {
            "organ_id": organ_id, "department_id": None, "title": title[:300], "body": body, "body_text": body_text,
            "summary": "", "topic_id": rng.choice(task["topics"]), "category_id": cat_id, "document_number": docno,
            "date_formed": date_formed, "keywords": f"{topic},{V.CITY}", "validity": "repealed" if repealed else "in_force",
            "validity_changed_on": changed, "validity_note": rng.choice(V.REPEAL_NOTES) if repealed else "",
            "disclosure": "active", "state": "published", "version": 1, "revision_state": "",
            "index_number": index_numbers.render(template, organ_code=organ_code, year=year, month=local.month, category=code, serial=serials[year]),
            "index_year": year, "index_serial": serials[year], "published_at": published_at,
            "published_by_id": task["user_id"], "created_by_id": task["user_id"], "created_at": published_at,
            "updated_at": published_at, "interpretation_kind": "text" if is_interp else "", "important": is_policy and rng.random() < 0.2,
            "on_portal": True, "attachments_text": "",
        }
    task["serials_out"] = serials


def write_organ(task: dict) -> dict:
    """Insert one organ's items (one transaction) and return its last serials."""
    from django.db import connection as conn

    columns, constants = task["columns"], task["constants"]
    attnames = [a for a, _ in columns]
    table = Item._meta.db_table
    started = time.monotonic()
    rows = organ_rows(task)
    if conn.vendor == "postgresql":
        sql = f"COPY {table} ({', '.join(c for _, c in columns)}) FROM STDIN"
        with transaction.atomic(), conn.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            with cursor.cursor.copy(sql) as copy:
                buffer = []
                for row in rows:
                    buffer.append("\t".join(_escape(row[a] if a in row else constants[a]) for a in attnames))
                    if len(buffer) >= 500:
                        copy.write(("\n".join(buffer) + "\n").encode())
                        buffer.clear()
                if buffer:
                    copy.write(("\n".join(buffer) + "\n").encode())
    else:
        fields = {f.attname: f for f in Item._meta.concrete_fields}
        sql = f"INSERT INTO {table} ({', '.join(c for _, c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        with transaction.atomic(), conn.cursor() as cursor:
            batch = []
            for row in rows:
                batch.append([fields[a].get_db_prep_save(row[a] if a in row else constants[a], conn) for a in attnames])
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
    return {"organ_id": task["organ"][0], "serials": task.get("serials_out", {}), "count": task["count"], "seconds": time.monotonic() - started}


def _worker_init():
    from django.db import connections

    for c in connections.all():
        c.close_if_unusable_or_obsolete()
        c.connection = None  # a forked child must not share the parent's socket


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of items to add")
    parser.add_argument("--workers", type=int, default=2, help="parallel COPY processes (PostgreSQL)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.monotonic()
    setup = ensure_setup()
    rng = random.Random(args.seed)
    organs = setup["organs"]
    weights = [8] + [rng.uniform(0.4, 2.0) for _ in organs[1:]]
    counts = [int(args.n * w / sum(weights)) for w in weights]
    counts[0] += args.n - sum(counts)
    pool = V.sentence_pool(rng, POOL_SIZE)
    columns, constants = column_plan()
    categories = {code: (c.pk, c.is_policy, c.is_interpretation) for code, c in setup["categories"].items()}
    existing = {}
    for counter in IndexCounter.objects.filter(organ__in=[o for o, _, _ in organs]):
        existing.setdefault(counter.organ_id, {})[counter.year] = counter.last_serial
    before = Item.objects.count()
    tasks = [
        {
            "seed": args.seed * 1000 + i, "pool": pool, "count": count, "serials": existing.get(organ.pk, {}),
            "organ": (organ.pk, organ.index_template, organ.code, abbr, short), "categories": categories,
            "topics": setup["topics"], "user_id": setup["user"].pk, "columns": columns, "constants": constants,
        }
        for i, ((organ, abbr, short), count) in enumerate(zip(organs, counts, strict=True))
        if count
    ]
    tasks.sort(key=lambda t: -t["count"])  # biggest first, so the workers finish together
    setup_s = time.monotonic() - started
    print(f"{connection.vendor}: adding {args.n} items over {len(tasks)} organs with {args.workers} worker(s)…", flush=True)
    insert_started = time.monotonic()
    done = 0
    results = []
    if args.workers > 1:
        connection.close()
        with multiprocessing.get_context("fork").Pool(args.workers, initializer=_worker_init) as pool_:
            for result in pool_.imap_unordered(write_organ, tasks):
                results.append(result)
                done += result["count"]
                el = time.monotonic() - insert_started
                print(f"  {done}/{args.n} items, {el:.0f} s, {done / el:.0f} items/s", flush=True)
    else:
        for task in tasks:
            result = write_organ(task)
            result["serials"] = task["serials_out"]
            results.append(result)
            done += result["count"]
            el = time.monotonic() - insert_started
            print(f"  {done}/{args.n} items, {el:.0f} s, {done / el:.0f} items/s", flush=True)
    insert_s = time.monotonic() - insert_started

    finish_started = time.monotonic()
    with transaction.atomic():
        for result in results:
            for year, serial in result["serials"].items():
                IndexCounter.objects.update_or_create(organ_id=result["organ_id"], year=year, defaults={"last_serial": serial})
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Item._meta.db_table}")
    finish_s = time.monotonic() - finish_started
    total_s = time.monotonic() - started
    after = Item.objects.count()
    size = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [Item._meta.db_table])
            size = cursor.fetchone()[0]
    summary = {
        "vendor": connection.vendor, "database": connection.settings_dict["NAME"], "added": args.n, "items_before": before,
        "items_after": after, "workers": args.workers, "setup_s": round(setup_s, 1), "insert_s": round(insert_s, 1),
        "counters_analyze_s": round(finish_s, 1), "total_s": round(total_s, 1), "rows_per_s": round(args.n / insert_s),
        "table_size": size, "finished_at": timezone.now().isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"generate-{args.n}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
