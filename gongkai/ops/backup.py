"""Backups of a whole installation and their restoration.

A backup is one folder::

    gongkai-backup-20261207-031500/
        manifest.json        engine, time, SHA-256 and size of every file below, row count of every table
        database.dump        PostgreSQL: pg_dump custom format (pg_restore reads it)
        database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent while in use)
        media/…              the MEDIA_ROOT tree as it was

``restore`` checks every file against the manifest before touching anything,
then replaces the database (PostgreSQL: pg_restore --clean in one
transaction; SQLite: the backup API again), moves the current MEDIA_ROOT
aside (kept, never deleted) and copies the saved tree in, checks the row
counts, verifies the audit chain when that command exists, and rebuilds the
search index (derived data, never backed up)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"no backup method for the {vendor} database")
    return vendor


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore connection options for the default database (the password goes in the environment)."""
    db = connection.settings_dict
    arguments = []
    if db.get("HOST"):
        arguments += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        arguments += ["-p", str(db["PORT"])]
    if db.get("USER"):
        arguments += ["-U", str(db["USER"])]
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(folder: Path, engine: str) -> tuple[str, dict[str, int]]:
    """Write the database file; return its name and the row counts of exactly what it holds (the site may be
    writing meanwhile: PostgreSQL counts and dumps one exported snapshot, SQLite's counts are read from the copy)."""
    if engine == "postgresql":
        from django.db import transaction

        target = folder / "database.dump"
        arguments, environment = _pg_environment()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = table_counts()
            _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", *arguments,
                  "-f", str(target), connection.settings_dict["NAME"]], environment)
        return target.name, counts
    target = folder / "database.sqlite3"
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
        counts = {}
        tables = destination.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for (table,) in sorted(tables.fetchall()):
            counts[table] = destination.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        destination.close()
    return target.name, counts


def _copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, symlinks=False, copy_function=shutil.copy2)
    else:
        target.mkdir(parents=True)


def _files_of(folder: Path) -> dict[str, dict]:
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            files[path.relative_to(folder).as_posix()] = {"sha256": _sha256(path), "size": path.stat().st_size}
    return files


def backup(destination: Path | None = None) -> Path:
    """Write a backup folder under ``destination`` (default BACKUP_DIR) and return its path."""
    engine = _engine()
    parent = Path(destination or settings.BACKUP_DIR)
    parent.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    folder = parent / f"gongkai-backup-{stamp}"
    partial = parent / f".partial-{stamp}"
    partial.mkdir()
    database_file, counts = _dump_database(partial, engine)
    _copy_tree(Path(settings.MEDIA_ROOT), partial / "media")
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "database_file": database_file,
        "tables": counts,
        "files": _files_of(partial),
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    partial.rename(folder)  # a backup folder exists only once complete
    return folder


def verify(folder: Path) -> dict:
    """The manifest, once every file it lists is present with its hash and size, and nothing else is there."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}")
    except ValueError as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON: {exc}")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    expected = manifest["files"]
    found = _files_of(folder)
    problems = [f"missing: {name}" for name in expected if name not in found]
    problems += [f"not in the manifest: {name}" for name in found if name not in expected]
    problems += [f"changed: {name}" for name, entry in expected.items() if name in found and found[name] != entry]
    if problems:
        raise BackupError("the backup does not match its manifest: " + "; ".join(problems[:20]))
    return manifest


@dataclass
class Restored:
    manifest: dict
    media_set_aside: Path | None = None
    notes: list[str] = field(default_factory=list)


def _restore_database(folder: Path, manifest: dict) -> None:
    engine = manifest["engine"]
    if engine != _engine():
        raise BackupError(f"the backup is of a {engine} database; this installation uses {connection.vendor}")
    source = folder / manifest["database_file"]
    if engine == "postgresql":
        connection.close()
        arguments, environment = _pg_environment()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              *arguments, "-d", connection.settings_dict["NAME"], str(source)], environment)
        return
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()


def _restore_media(folder: Path) -> Path | None:
    media = Path(settings.MEDIA_ROOT)
    aside = None
    if media.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
        aside = media.with_name(f"{media.name}.before-restore-{stamp}")
        media.rename(aside)
    _copy_tree(folder / "media", media)
    return aside


def restore(folder: Path, *, rebuild_index: bool = True, stdout=None) -> Restored:
    from django.core.management import call_command, get_commands

    folder = Path(folder)
    manifest = verify(folder)
    _restore_database(folder, manifest)
    result = Restored(manifest=manifest, media_set_aside=_restore_media(folder))
    counts = table_counts()
    different = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if different:
        raise BackupError(f"row counts differ after the restore (table: saved, now): {different}")
    if "verify_audit_chain" in get_commands():
        call_command("verify_audit_chain", stdout=stdout)
    else:
        result.notes.append("audit chain not verified: this installation has no verify_audit_chain command")
    if rebuild_index:
        from gongkai.search import index as ix

        ix.forget_handles()
        call_command("rebuild_search_index", stdout=stdout)
    return result
