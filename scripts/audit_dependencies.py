"""Audit the runtime dependencies for known vulnerabilities with pip-audit (run by `make audit`, part of `make test`).

What is audited: requirements.txt and everything it pulls in, at the versions installed in this environment
(the closure is read from the installed packages' metadata and pinned, so pip-audit resolves nothing and
downloads nothing). Vulnerability data comes from PyPI's JSON API (``--vulnerability-service pypi``), the one
service reachable from a machine that may only talk to PyPI.

Exit status:
  0  no known vulnerability outside the exception list;
     or the vulnerability service could not be reached / did not know the packages: a clear message says the
     audit did NOT run, and CI goes on (set PIP_AUDIT_STRICT=1 to fail instead)
  1  a known vulnerability that is not in the exception list, or an exception whose date has passed

Exceptions: requirements-audit-exceptions.txt, one line per vulnerability:
  <VULN-ID> <package> <until YYYY-MM-DD> <why it does not apply / what is being done>
An exception is honoured until its date, then the audit fails again until someone looks at it once more.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
EXCEPTIONS = ROOT / "requirements-audit-exceptions.txt"


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("-r "):
            lines += requirement_lines(path.parent / line[3:].strip())
        elif line and not line.startswith("-"):
            lines.append(line)
    return lines


def installed_closure(lines: list[str]) -> dict[str, str]:
    """name → installed version for the requirements and all their (marker-true) dependencies."""
    pinned: dict[str, str] = {}
    todo = [(Requirement(line), frozenset()) for line in lines]
    while todo:
        requirement, extras = todo.pop()
        if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in (extras or {""})):
            continue
        name = canonicalize_name(requirement.name)
        if name in pinned:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"audit: {requirement.name} (from requirements.txt) is not installed; run `make setup` first")
        pinned[name] = dist.version
        for sub in dist.requires or []:
            todo.append((Requirement(sub), frozenset(requirement.extras)))
    return pinned


def exceptions(today: dt.date) -> tuple[dict[str, str], list[str]]:
    """(vulnerability id → line) still in force, and the lines whose date has passed."""
    active, expired = {}, []
    if not EXCEPTIONS.exists():
        return active, expired
    for raw in EXCEPTIONS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^(\S+)\s+(\S+)\s+until\s+(\d{4}-\d{2}-\d{2})\s+(.+)$", line)
        if not match:
            sys.exit(f"audit: malformed line in {EXCEPTIONS.name}: {line!r} (want: ID package until YYYY-MM-DD reason)")
        if dt.date.fromisoformat(match.group(3)) < today:
            expired.append(line)
        else:
            active[match.group(1)] = line
    return active, expired


def not_run(reason: str) -> int:
    print(f"audit: NOT RUN — {reason}")
    if os.environ.get("PIP_AUDIT_STRICT", "").lower() in {"1", "true", "yes", "on"}:
        return 1
    print("audit: CI goes on (PIP_AUDIT_STRICT=1 makes this a failure); run `make audit` where PyPI's JSON API is reachable")
    return 0


def main() -> int:
    pinned = installed_closure(requirement_lines(REQUIREMENTS))
    active, expired = exceptions(dt.date.today())
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("".join(f"{name}=={version}\n" for name, version in sorted(pinned.items())))
    command = [
        sys.executable, "-m", "pip_audit", "--vulnerability-service", "pypi", "--no-deps", "--disable-pip",
        "--progress-spinner", "off", "--format", "json", "-r", handle.name,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return not_run("pip-audit did not finish in 10 minutes (no answer from the vulnerability service)")
    finally:
        os.unlink(handle.name)
    try:
        report = json.loads(done.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    dependencies = report.get("dependencies", [])
    if not dependencies:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return not_run(f"pip-audit gave no report ({last})")
    return verdict(dependencies, active, expired)


def verdict(dependencies: list[dict], active: dict[str, str], expired: list[str]) -> int:
    """The exit status for pip-audit's JSON ``dependencies``, printing what was found."""
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    found = [(d["name"], d["version"], v["id"]) for d in audited for v in d.get("vulns", [])]
    failing = [f for f in found if f[2] not in active]
    for name, version, vuln in found:
        print(f"audit: {name} {version}: {vuln}" + (" (exception: " + active[vuln] + ")" if vuln in active else ""))
    for line in expired:
        print(f"audit: exception expired, look again: {line}")
    if failing or expired:
        print(f"audit: FAILED — {len(failing)} known vulnerabilities without a current exception ({EXCEPTIONS.name})")
        return 1
    if not audited:
        return not_run(f"the vulnerability service knew none of the {len(skipped)} packages "
                       f"(first: {skipped[0]['name']}: {skipped[0]['skip_reason']})")
    print(f"audit: {len(audited)} packages audited, {len(found)} known vulnerabilities "
          f"({len(found) - len(failing)} under a dated exception)")
    if skipped:
        print(f"audit: {len(skipped)} packages could not be looked up: " + ", ".join(d["name"] for d in skipped))
        if os.environ.get("PIP_AUDIT_STRICT", "").lower() in {"1", "true", "yes", "on"}:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
