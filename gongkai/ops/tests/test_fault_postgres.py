"""PostgreSQL restarted under load, against a real gunicorn.

A throwaway PostgreSQL cluster (its own data folder and port, never the shared
server) and gunicorn on a free port; 6 applicants submit the public form in a
loop while the database is stopped for a few seconds and started again. Every
answer is a stored application (302) or the Chinese 503 page — never a 500;
every application is whole (number, audit row, notifications), numbers stay
consecutive, a form that got the 503 page sent again once the database is back
makes exactly one application, and the notifications whose delivery the outage
interrupted are sent by the periodic job afterwards.

Slow (about a minute: a new cluster and its migrations); PostgreSQL pass only."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("GONGKAI_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[3]
CLIENTS = 6
DOWN_SECONDS = 4

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason=f"needs PostgreSQL's initdb in {PG_BIN}"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/gongkai"

    def pg_ctl(self, *arguments: str) -> None:
        subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *arguments]), check=True,
                       capture_output=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        subprocess.run(as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                    "--no-sync"]), check=True, capture_output=True, timeout=120)
        self.start()
        subprocess.run(as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                                    "gongkai"]), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self.pg_ctl("start", "-w", "-l", str(self.folder / "server.log"), "-o", options)

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast", "-w")


@pytest.fixture
def site():
    folder = Path(tempfile.mkdtemp(prefix="gk-fault-pg-"))
    cluster = Cluster(folder)
    gunicorn = None
    environment = {
        **os.environ,
        "DATABASE_URL": cluster.url, "GONGKAI_VAR_DIR": str(folder / "var"), "DB_CONN_MAX_AGE": "60",
        "SECRET_KEY": "fault-test-secret-key-0123456789abcdefghijklmnop", "LOG_LEVEL": "WARNING",
        # the applicants all come from 127.0.0.1: the per-address limit is not what this test is about
        "RATE_LIMIT_APPLY": "100000/min",
    }
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "GONGKAI_PRODUCTION", "PROMETHEUS_MULTIPROC_DIR"):
        environment.pop(name, None)
    try:
        cluster.init()
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=environment, check=True, capture_output=True, timeout=600, cwd=ROOT)
        subprocess.run([*manage, "shell", "-c",
                        "from gongkai.factories import OrganFactory, member; from gongkai.organs.models import Role; "
                        "member(OrganFactory(code='FAULT', slug='fault'), Role.CLERK)"],
                       env=environment, check=True, capture_output=True, timeout=120, cwd=ROOT)
        port = free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "gongkai.wsgi", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
             "--timeout", "60"],
            env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(folder / "gunicorn.log", "wb"),
        )
        deadline = time.monotonic() + 60
        import requests

        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield cluster, f"http://127.0.0.1:{port}", manage, environment
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(20)
        try:
            cluster.stop()
        except Exception:
            pass
        shutil.rmtree(folder, ignore_errors=True)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def person(n: int) -> dict:
    from gongkai.applications.tests.factories import person_data

    data = person_data(subject=f"数据库重启期间的申请{n:04d}")
    return {key: str(value) for key, value in data.items()}


def submit(base: str, n: int, form_token: str | None = None) -> tuple[str | None, int, str]:
    """GET the form, POST it; (form token, status of the last answer, its body)."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/apply/fault/", timeout=30)
    if page.status_code != 200:
        return None, page.status_code, page.text
    data = person(n)
    data["csrfmiddlewaretoken"] = CSRF.search(page.text).group(1)
    data["form_token"] = form_token or TOKEN.search(page.text).group(1)
    answer = session.post(f"{base}/apply/fault/", data=data, timeout=30, allow_redirects=False,
                          headers={"Referer": f"{base}/apply/fault/"})
    return data["form_token"], answer.status_code, answer.text


def test_postgresql_restarted_mid_load(site):
    cluster, base, manage, environment = site
    results: list[tuple[int, str | None, int, str]] = []
    counter = iter(range(100000))
    lock = threading.Lock()
    stop = threading.Event()

    def applicant():
        while not stop.is_set():
            with lock:
                n = next(counter)
            token, status, body = submit(base, n)
            with lock:
                results.append((n, token, status, body))

    threads = [threading.Thread(target=applicant) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    cluster.stop()
    time.sleep(DOWN_SECONDS)
    cluster.start()
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join(60)

    statuses = [status for _n, _token, status, _body in results]
    unavailable = [r for r in results if r[2] == 503]
    assert 500 not in statuses
    assert set(statuses) <= {302, 503}, sorted(set(statuses))
    assert unavailable, "the outage was not hit"
    assert all("服务暂时不可用" in body for *_rest, body in unavailable)
    assert statuses.count(302) > CLIENTS  # served before and after the outage

    # Forms that got the 503 page are sent again now: each makes one application (none twice).
    for n, token, _status, _body in unavailable:
        if token is not None:
            assert submit(base, n, form_token=token)[1] == 302

    check = r'''
import json
from django.db.models import Count
from gongkai.applications.models import Application
from gongkai.core.models import AuditEvent
from gongkai.notify.models import Notification
from gongkai.notify.services import send_pending
import datetime as dt
from django.utils import timezone
rows = list(Application.objects.values_list("id", "tracking_number", "subject", "form_token"))
audited = set(AuditEvent.objects.filter(action="applications.submitted").values_list("target_id", flat=True))
notified = set(Notification.objects.exclude(reference="").values_list("reference", flat=True))
before = dict(Notification.objects.values_list("status").annotate(n=Count("id")))
swept = send_pending(now=timezone.now() + dt.timedelta(minutes=16))
after = dict(Notification.objects.values_list("status").annotate(n=Count("id")))
print(json.dumps({"rows": rows, "audited": sorted(audited), "notified": sorted(notified),
                  "before": before, "swept": swept, "after": after}))
'''
    import json

    out = subprocess.run([*manage, "shell", "-c", check], env=environment, check=True, capture_output=True, timeout=120, cwd=ROOT)
    report = json.loads(out.stdout.decode().strip().splitlines()[-1])
    rows = report["rows"]
    stored_subjects = [subject for _id, _number, subject, _token in rows]
    accepted = {person(n)["subject"] for n, _t, status, _b in results if status == 302}
    resent = {person(n)["subject"] for n, token, status, _b in unavailable if token is not None}
    assert accepted | resent == set(stored_subjects)  # nothing lost, nothing extra
    assert len(stored_subjects) == len(set(stored_subjects))  # nothing stored twice
    serials = sorted(int(number.rsplit("-", 1)[1]) for _id, number, _s, _t in rows)
    assert serials == list(range(1, len(rows) + 1))  # consecutive: a rolled-back submission used no number
    assert {str(pk) for pk, *_ in rows} <= set(report["audited"])  # every application has its audit row
    assert {f"application:{pk}" for pk, *_ in rows} <= set(report["notified"])  # and its notifications
    posted = [r for r in unavailable if r[1] is not None]
    print(f"\nPostgreSQL restart under load: {len(results)} attempts, {statuses.count(302)} stored at once, "
          f"{len(unavailable)} answered with the 503 page ({len(posted)} of them the POST, sent again), {len(rows)} applications, "
          f"notifications before the sweep {report['before']}, swept {report['swept']}, after {report['after']}")
    # Nothing waits for delivery any more: interrupted deliveries were sent by the periodic job.
    assert set(report["after"]) <= {"sent", "failed"}, report
    assert report["after"].get("failed", 0) == report["before"].get("failed", 0)
