"""The synonym table used at query time, kept in each process.

The table (every word → the other words of its groups, and one pattern finding
any of them in a query) is built from the active ``SynonymGroup`` rows. Each
process checks a version number in the shared cache at most once a second
and rebuilds on a change; saving a group bumps the version (``changed``), so
an administrator's edit applies to the next search in every process within a
second, at once in the process that saved it. The version is part of the
result and page cache keys, so no cached answer outlives an edit.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache

VERSION_KEY = "search:synonyms:version"
CHECK_INTERVAL = 1.0


@dataclass
class Table:
    version: str = ""
    others: dict[str, list[str]] = field(default_factory=dict)
    pattern: re.Pattern | None = None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """The words of the table in ``text``: (start, end, word), longest first at each place, not overlapping."""
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), m.group()) for m in self.pattern.finditer(text)]


def build(groups: list[list[str]], version: str = "") -> Table:
    others: dict[str, list[str]] = {}
    for words in groups:
        for word in words:
            bucket = others.setdefault(word, [])
            bucket.extend(w for w in words if w != word and w not in bucket)
    pattern = None
    if others:
        # Longest first: at one place 环境保护 is preferred to 环境.
        pattern = re.compile("|".join(re.escape(w) for w in sorted(others, key=lambda w: (-len(w), w))))
    return Table(version=version, others=others, pattern=pattern)


_state: dict = {"table": None, "checked": 0.0}
_lock = threading.Lock()


def _load(version: str) -> Table:
    from gongkai.search.models import SynonymGroup

    groups = [group.word_list() for group in SynonymGroup.objects.filter(is_active=True)]
    return build([g for g in groups if len(g) > 1], version)


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return version


def table() -> Table:
    """The synonym table, re-validated against the shared version once a second."""
    now = time.monotonic()
    current = _state["table"]
    if current is not None and now - _state["checked"] < CHECK_INTERVAL:
        return current
    with _lock:
        version = current_version()
        current = _state["table"]
        if current is None or current.version != version:
            current = _load(version)
            _state["table"] = current
        _state["checked"] = now
    return current


def changed() -> None:
    """A synonym group was saved: every process rebuilds its table."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    forget_local()


def forget_local() -> None:
    with _lock:
        _state["table"] = None
        _state["checked"] = 0.0
