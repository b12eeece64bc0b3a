"""Hostile uploads against the code that checks and reads them: time and peak memory per bomb.

    .venv/bin/python bench/bombs_bench.py            # every bomb, each in a fresh process
    .venv/bin/python bench/bombs_bench.py --only docx-300mb-apply

Each bomb is written once to var/bench/bombs/ (the 1 GB zip takes a while to compress) and then
given, in a process of its own, to the same function the web request calls. The process records
its peak resident memory (ru_maxrss) after Django is set up and the file is in memory, runs the
check, and prints the wall time, the extra peak memory of the process, the peak of any child
process (text extraction runs in one) and the answer. Targets: refused in under 2 s, under
100 MB extra. Figures are in docs/security/uploads.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FOLDER = ROOT / "var" / "bench" / "bombs"

HEADER = ("索引号", "标题", "发文字号", "成文日期", "发布日期", "主题分类", "信息类别", "有效性", "关键词", "正文")


def builders():
    from gongkai.core.tests import bombs

    return {
        "docx-300mb.docx": lambda: bombs.docx_bomb(300 * bombs.MB),
        "xlsx-3m-rows.xlsx": lambda: bombs.xlsx_rows_bomb(3_000_000),
        "xlsx-3m-sparse.xlsx": lambda: bombs.xlsx_sparse_bomb(3_000_000, HEADER),
        "zip-1gb.zip": lambda: bombs.zip_ratio_bomb(1024 * bombs.MB),
        "zip-20k-parts.zip": lambda: bombs.zip_many_members(20_000),
        "pdf-90k-pages.pdf": lambda: bombs.pdf_many_pages(90_000),
        "docx-200k-cells.docx": lambda: bombs.docx_many_cells(200_000),
        "docx-1980-cells.docx": lambda: bombs.docx_many_cells(1980),
    }


# name -> (file, what is run, how it is run)
CASES = {
    "docx-300mb-apply": ("docx-300mb.docx", "public application form: check_upload (application attachment)", "upload"),
    "docx-300mb-check-page": ("docx-300mb.docx", "POST /annual-reports/check/ (anonymous, whole request)", "check_page"),
    "docx-200k-cells-check-page": ("docx-200k-cells.docx", "POST /annual-reports/check/ (passes the ZIP limits; 200k table cells)", "check_page"),
    "docx-1980-cells-check-page": ("docx-1980-cells.docx", "POST /annual-reports/check/ (just under the cell limit: read in full)", "check_page"),
    "docx-300mb-read-text": ("docx-300mb.docx", "attachment text job: read_text", "read_text"),
    "xlsx-3m-rows-import": ("xlsx-3m-rows.xlsx", "catalogue import preview: run_import dry run", "import"),
    "xlsx-3m-sparse-import": ("xlsx-3m-sparse.xlsx", "catalogue import preview: run_import dry run (rows declared, 1.4 KB)", "import"),
    "xlsx-3m-sparse-read-text": ("xlsx-3m-sparse.xlsx", "attachment text job: read_text (child process)", "read_text"),
    "zip-1gb-upload": ("zip-1gb.zip", "catalogue attachment: check_upload", "upload"),
    "zip-20k-parts-upload": ("zip-20k-parts.zip", "catalogue attachment: check_upload", "upload"),
    "pdf-90k-pages-read-text": ("pdf-90k-pages.pdf", "attachment text job: read_text (child process)", "read_text"),
}


def ensure_files() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, build in builders().items():
        path = FOLDER / name
        if not path.exists():
            started = time.perf_counter()
            path.write_bytes(build())
            print(f"wrote {name} ({path.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def run_one(case: str) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    filename, _what, how = CASES[case]
    data = (FOLDER / filename).read_bytes()
    from gongkai.catalogue.importing import ImportFileError, run_import
    from gongkai.core.errors import DomainError
    from gongkai.core.uploads import check_upload, read_text
    from gongkai.organs.models import Organ

    client = Client()
    if how == "check_page":
        client.get("/annual-reports/check/")  # templates and URLconf loaded, as in a warm worker
    baseline = peak_mb()
    started = time.perf_counter()
    if how == "upload":
        try:
            kind = check_upload(SimpleUploadedFile(filename, data), purpose="application_attachment")
            answer = f"accepted as {kind.code}"
        except DomainError as error:
            answer = f"refused ({error.code}): {error.message}"
    elif how == "check_page":
        response = client.post("/annual-reports/check/", {"file": SimpleUploadedFile(filename, data)})
        errors = re.findall(r'class="errorlist[^>]*>\s*<li>([^<]*)', response.content.decode())
        answer = f"HTTP {response.status_code}: " + (errors[0] if errors else "no error shown")
    elif how == "import":
        organ = Organ(name="基准", code="BENCH", slug="bench", index_template="{organ_code}/{year}-{serial:05d}")
        try:
            report = run_import(SimpleUploadedFile(filename, data), organ=organ, by=None, name=filename, dry_run=True)
            answer = f"read {report.rows} rows"
        except ImportFileError as error:
            answer = f"refused: {error}"
    else:
        result = read_text(data, filename.rsplit(".", 1)[-1])
        answer = f"{len(result.text)} characters, complete={result.complete}, problem={result.problem or '-'}"
    seconds = time.perf_counter() - started
    return {
        "case": case, "file_mb": round(len(data) / 1e6, 2), "seconds": round(seconds, 3),
        "extra_mb": round(peak_mb() - baseline, 1), "child_peak_mb": round(peak_mb(resource.RUSAGE_CHILDREN), 1),
        "answer": answer,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(CASES))
    parser.add_argument("--one", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one), ensure_ascii=False))
        return
    ensure_files()
    print(f"{'bomb':<28} {'file MB':>8} {'seconds':>8} {'extra MB':>9} {'child MB':>9}  answer")
    for case in [args.only] if args.only else CASES:
        finished = subprocess.run([sys.executable, __file__, "--one", case], capture_output=True, text=True, check=False)
        try:
            row = json.loads(finished.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            print(f"{case:<28} failed: {finished.stderr.strip()[-500:]}")
            continue
        print(f"{row['case']:<28} {row['file_mb']:>8} {row['seconds']:>8} {row['extra_mb']:>9} {row['child_peak_mb']:>9}  {row['answer'][:110]}")
        print(f"{'':<28} ({CASES[case][1]})")


if __name__ == "__main__":
    main()
