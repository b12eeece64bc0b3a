"""Every user-facing string has its zh-hans translation: a clerk never meets English."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def po_files():
    return sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def entries(path: Path):
    """(msgid, msgstr, fuzzy) for each entry of a .po file."""
    flags, msgid, msgstr, section = "", None, "", None
    for line in path.read_text(encoding="utf-8").splitlines() + ["#"]:
        if line.startswith("#") or line.startswith("msgid ") or not line.strip():
            if msgid is not None and section == "str":
                yield msgid, msgstr, "fuzzy" in flags
                msgid, msgstr, section, flags = None, "", None, ""
        if line.startswith("#,"):
            flags += line
        elif line.startswith("msgid "):
            msgid, section = json.loads(line[6:]), "id"
        elif line.startswith("msgid_plural"):
            section = "plural"
        elif line.startswith("msgstr"):
            msgstr += json.loads(line.split(" ", 1)[1])
            section = "str"
        elif line.startswith('"') and section == "id":
            msgid += json.loads(line)
        elif line.startswith('"') and section == "str":
            msgstr += json.loads(line)


def untranslated(path: Path) -> list[str]:
    return [msgid for msgid, msgstr, fuzzy in entries(path) if msgid and (not msgstr or fuzzy)]


@pytest.mark.parametrize("path", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_chinese_translation(path):
    assert untranslated(path) == []


def test_every_string_in_the_code_is_in_its_apps_catalogue(tmp_path):
    """The catalogues are up to date: extracting the strings again (makemessages, on a copy of each
    app) finds none without a translation — a new string nobody extracted would show in English."""
    import os
    import shutil
    import subprocess
    import sys

    stale = {}
    for po in po_files():
        app = po.parents[3]
        if app.parent.name != "gongkai":
            continue
        copy = tmp_path / app.name
        shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongkai.settings", "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            # django-admin, not ``python -m``: that would put the app's folder first on sys.path,
            # where portal/selectors.py hides the standard library's selectors module.
            [str(Path(sys.executable).parent / "django-admin"), "makemessages", "-l", "zh_Hans"],
            cwd=copy, env=env, capture_output=True, text=True,
        )
        assert done.returncode == 0, (app.name, done.stderr[-2000:])
        missing = untranslated(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
        if missing:
            stale[app.name] = missing
    assert stale == {}
