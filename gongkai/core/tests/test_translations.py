"""Every user-facing string has its zh-hans translation: a clerk never meets English."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def po_files():
    return sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def untranslated(path: Path) -> list[str]:
    missing, msgid, in_msgstr, msgstr, fuzzy = [], None, False, "", False
    lines = path.read_text(encoding="utf-8").splitlines() + [""]
    for line in lines:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        if line.startswith("msgid "):
            msgid, in_msgstr, msgstr = line[6:].strip('"'), False, ""
        elif line.startswith("msgstr"):
            in_msgstr = True
            msgstr = line.split(" ", 1)[1].strip('"')
        elif line.startswith('"') and in_msgstr:
            msgstr += line.strip('"')
        elif line.startswith('"') and msgid is not None:
            msgid += line.strip('"')
        elif not line.strip():
            if msgid and in_msgstr and (not msgstr or fuzzy):
                missing.append(msgid)
            msgid, in_msgstr, msgstr, fuzzy = None, False, "", False
    return missing


@pytest.mark.parametrize("path", po_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_chinese_translation(path):
    assert untranslated(path) == []
