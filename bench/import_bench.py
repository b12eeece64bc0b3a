"""Catalogue import benchmark: generate a CSV of N rows of realistic Chinese
catalogue data and import it (validated, all or nothing) into the configured
database, reporting rows per second, the CPU of both sides and the load average.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongkai_bench_import \\
        .venv/bin/python bench/import_bench.py --rows 1000000 --reuse-csv --label after

The database must be migrated first (``manage.py migrate``). The file is
var/bench/import-<rows>.csv for a new organ code (index numbers are unique
across organs); --reuse-csv keeps it while that organ is not yet in the
database, so runs can be repeated on the same or on fresh databases. Only
``run_import`` is timed: reading, validating every row, writing, IndexCounter,
audit. Reported: wall time and rows/s; ``time.process_time()`` of this process
and the CPU of its PostgreSQL backend and of PostgreSQL's own helper processes
(from /proc/<pid>/stat); ``cpu_bound_rows_per_s`` = rows / the busier side (the
rate two idle cores would give: the two sides run in parallel); the 1-minute
load average every 5 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

SUBJECTS = [
    "工业企业安全生产", "中小企业数字化转型", "生态环境保护督察", "大气污染防治", "城乡居民医疗保险", "义务教育阶段招生",
    "老旧小区改造", "农村人居环境整治", "政府采购", "财政预算执行", "营商环境优化", "高新技术企业认定",
    "重点项目建设", "河长制工作", "森林防火", "食品安全抽检", "养老服务体系建设", "就业创业补贴",
    "城市道路交通管理", "垃圾分类", "公共卫生应急", "科技创新券", "住房公积金", "不动产登记",
]
ACTIONS = [
    "关于印发{s}实施方案的通知", "关于开展{s}专项检查的通知", "关于{s}工作情况的报告", "{s}管理办法",
    "关于进一步加强{s}工作的意见", "关于公布{s}名单的公告", "{s}三年行动计划（2026—2028年）", "关于做好{s}有关工作的通知",
    "{s}工作要点", "关于{s}的实施细则", "关于征求《{s}办法（征求意见稿）》意见的公告",
]
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步做好{s}工作，结合本市实际，制定本方案。",
    "各镇人民政府、街道办事处，市直各有关单位要高度重视，加强组织领导，明确责任分工，确保各项任务落到实处。",
    "坚持以人民为中心的发展思想，统筹发展和安全，着力解决群众急难愁盼问题。",
    "对工作中发现的问题，要建立台账、限期整改，实行销号管理，整改情况于每季度末报送市政府办公室。",
    "本办法自发布之日起施行，有效期五年。此前有关规定与本办法不一致的，以本办法为准。",
    "市财政局按照有关规定安排专项资金，加强资金绩效管理，提高资金使用效益。",
    "各有关部门要加强宣传引导，通过政府网站、政务新媒体等渠道及时发布政策信息，主动回应社会关切。",
    "申请人应当如实提交申请材料，并对材料的真实性负责。受理部门应当在规定时限内作出决定。",
    "到2028年，全市{s}水平明显提升，体制机制更加完善，人民群众获得感、幸福感、安全感持续增强。",
    "联系人及电话：市政府办公室综合科，0755-83210000。",
]
TOPICS = ["工业", "生态环境", "财政", "教育", "卫生健康", "市场监管", "城乡规划", "社会保障", "交通", "政务公开", "安全生产", "科技"]
CATEGORIES = ["通知公告", "行政规范性文件", "其他文件", "工作动态", "规划计划", "政府采购"]
ABBREVIATIONS = ["某工信发", "某环发", "某财预", "某教发", "某卫健发", "某府办"]


def generate(path: Path, rows: int, organ_code: str, seed: int = 2026) -> None:
    rng = random.Random(seed)
    bodies = []
    for _ in range(500):
        subject = rng.choice(SUBJECTS)
        parts = [rng.choice(SENTENCES).format(s=subject) for _ in range(rng.randint(4, 12))]
        bodies.append("\n".join(parts))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["索引号", "标题", "发文字号", "成文日期", "发布日期", "主题分类", "信息类别", "有效性", "关键词", "正文"])
        for n in range(1, rows + 1):
            year = 2010 + n % 16
            serial = n // 16 + 1
            subject = SUBJECTS[n % len(SUBJECTS)]
            title = rng.choice(ACTIONS).format(s=subject)
            month, day = 1 + n % 12, 1 + n % 28
            writer.writerow(
                [
                    f"{organ_code}/{year}-{serial:06d}",
                    title,
                    f"{ABBREVIATIONS[n % len(ABBREVIATIONS)]}〔{year}〕{n % 300 + 1}号",
                    f"{year}-{month:02d}-{day:02d}",
                    f"{year}-{month:02d}-{min(day + 1, 28):02d} 09:30",
                    TOPICS[n % len(TOPICS)],
                    CATEGORIES[n % len(CATEGORIES)],
                    "有效",
                    subject,
                    bodies[n % len(bodies)],
                ]
            )


CLK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """utime + stime of a process, in seconds (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def postgres_helpers() -> dict[int, str]:
    """PostgreSQL's own processes that work for every database (WAL writer,
    checkpointer, background writer, autovacuum): their CPU during the run is
    part of what an import costs the server."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if command.startswith("postgres: ") and any(
            word in command for word in ("walwriter", "checkpointer", "background writer", "autovacuum worker")
        ):
            found[int(entry.name)] = command.strip()
    return found


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while the import runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples = [os.getloadavg()[0]]
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dry-run", action="store_true", help="Validate only.")
    parser.add_argument("--reuse-csv", action="store_true",
                        help="Reuse var/bench/import-<rows>.csv when its organ code is not yet in this database.")
    parser.add_argument("--label", default="", help="Written into the result file name (bench/results/import-<rows>-<label>.json).")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from gongkai.accounts.models import User
    from gongkai.catalogue.importing import run_import
    from gongkai.catalogue.models import Item
    from gongkai.organs.models import Organ

    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"import-{args.rows}.csv"
    code_file = path.with_suffix(".code")
    organ_code = code_file.read_text().strip() if args.reuse_csv and path.exists() and code_file.exists() else ""
    if not organ_code or Organ.objects.filter(code=organ_code).exists():
        # Index numbers are unique across organs: each new file has its own organ code.
        organ_code = f"B{int(time.time())}"
        started = time.perf_counter()
        generate(path, args.rows, organ_code)
        code_file.write_text(organ_code)
        print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB, {args.rows} rows) in {time.perf_counter() - started:.1f} s")
    organ = Organ.objects.create(
        name=f"基准测试局{organ_code}", slug=f"bench-{organ_code.lower()}", code=organ_code,
        index_template="{organ_code}/{year}-{serial:06d}",
    )
    user, _created = User.objects.get_or_create(username="bench", defaults={"full_name": "基准测试", "is_superuser": True})
    items_before = Item.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    helpers = postgres_helpers() if backend else {}
    helpers_before = {pid: cpu_of(pid) for pid in helpers}
    backend_before = cpu_of(backend) if backend else 0.0

    source = path.open("rb")
    sampler = LoadSampler()
    sampler.start()
    cpu_started = time.process_time()
    started = time.perf_counter()
    report = run_import(source, organ=organ, by=user, name=path.name, dry_run=args.dry_run, index=False)
    seconds = time.perf_counter() - started
    python_cpu = time.process_time() - cpu_started
    sampler.stop.set()
    sampler.samples.append(os.getloadavg()[0])
    backend_cpu = cpu_of(backend) - backend_before if backend else 0.0
    helpers_cpu = 0.0
    for pid, before in helpers_before.items():
        try:
            helpers_cpu += cpu_of(pid) - before
        except OSError:  # an autovacuum worker that ended
            pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert report.ok, report.errors[:5]
    rows = report.rows
    loads = sampler.samples
    figures = {
        "database": f"{connection.vendor} ({settings.DATABASES['default']['NAME']})",
        "rows": rows,
        "imported": report.imported,
        "dry_run": args.dry_run,
        "items_in_catalogue_before": items_before,
        "wall_s": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "python_cpu_s": round(python_cpu, 2),
        "python_cpu_us_per_row": round(python_cpu / rows * 1e6, 1),
        "backend_cpu_s": round(backend_cpu, 2),
        "backend_cpu_us_per_row": round(backend_cpu / rows * 1e6, 1),
        "postgres_helpers_cpu_s": round(helpers_cpu, 2),
        # On an idle 2-core machine Python and PostgreSQL run side by side: the
        # busier of the two bounds the rate.
        "cpu_bound_rows_per_s": round(rows / max(python_cpu, backend_cpu + helpers_cpu, 1e-9)),
        "peak_rss_mb": round(peak),
        "load_average": {"start": loads[0], "min": min(loads), "max": max(loads), "mean": round(sum(loads) / len(loads), 2)},
        "path": "COPY into a staging table, then INSERT … SELECT with every constraint on",
        "phases": report.timings,
        "at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.label:
        out = ROOT / "bench" / "results" / f"import-{rows}-{args.label}.json"
        out.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
