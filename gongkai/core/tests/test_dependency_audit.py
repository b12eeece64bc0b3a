"""scripts/audit_dependencies.py: what fails CI, what only says the audit could not run."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "audit_dependencies.py"


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_closure_of_requirements_is_pinned_to_installed_versions(audit):
    pinned = audit.installed_closure(audit.requirement_lines(audit.REQUIREMENTS))
    assert {"django", "django-csp", "sqlparse", "asgiref", "psycopg-binary"} <= set(pinned)
    assert "pytest" not in pinned  # a test tool, not what runs in production


def test_a_known_vulnerability_fails(audit):
    deps = [{"name": "django", "version": "5.2.1", "vulns": [{"id": "GHSA-aaaa"}]}]
    assert audit.verdict(deps, {}, []) == 1


def test_a_vulnerability_under_a_current_exception_passes(audit):
    deps = [{"name": "django", "version": "5.2.1", "vulns": [{"id": "GHSA-aaaa"}]}]
    assert audit.verdict(deps, {"GHSA-aaaa": "GHSA-aaaa django until 2099-01-01 reason"}, []) == 0


def test_an_expired_exception_fails(audit, tmp_path, monkeypatch):
    listing = tmp_path / "exceptions.txt"
    listing.write_text("# comment\nGHSA-aaaa django until 2020-01-01 was fixed upstream\nGHSA-bbbb nh3 until 2099-01-01 not used\n")
    monkeypatch.setattr(audit, "EXCEPTIONS", listing)
    active, expired = audit.exceptions(dt.date(2026, 12, 7))
    assert list(active) == ["GHSA-bbbb"] and expired == ["GHSA-aaaa django until 2020-01-01 was fixed upstream"]
    assert audit.verdict([{"name": "nh3", "version": "0.3", "vulns": []}], active, expired) == 1


def test_an_unreachable_service_says_so_and_does_not_fail_ci(audit, capsys, monkeypatch):
    monkeypatch.delenv("PIP_AUDIT_STRICT", raising=False)
    deps = [{"name": "django", "version": "5.2.1", "skip_reason": "Dependency not found on PyPI"}]
    assert audit.verdict(deps, {}, []) == 0
    assert "NOT RUN" in capsys.readouterr().out


def test_strict_mode_fails_when_the_audit_could_not_run(audit, monkeypatch):
    monkeypatch.setenv("PIP_AUDIT_STRICT", "1")
    deps = [{"name": "django", "version": "5.2.1", "skip_reason": "Dependency not found on PyPI"}]
    assert audit.verdict(deps, {}, []) == 1


def test_the_exception_list_in_the_repository_is_well_formed_and_current(audit):
    active, expired = audit.exceptions(dt.date.today())
    assert expired == []
