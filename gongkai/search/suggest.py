"""“您是不是要找” — a correction for a query that finds nothing.

A typo in Chinese is a wrong, missing, extra or swapped character (环竟保护,
生态环局). The words people search for are the words of the catalogue: the
dictionary words of the published titles, the organs', topics' and
categories' names and the synonym list. Each process keeps that vocabulary
(rebuilt at most every ``REBUILD_SECONDS``, from the ``TITLES`` latest titles)
with, for every word, its forms with one character blanked out and with one
character left out, so the candidates of a typed word are a few dictionary
look-ups. Candidates are ordered: the whole typed run first (森林防伙 →
森林防火), then each unknown word, the more frequent vocabulary word first; the
first corrected query that finds something is offered. Only looked for when a
query finds nothing; the vocabulary is built on the first such query of a
process (~0.3 s for 20,000 titles).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.search.normalise import query_text
from gongkai.search.segment import _cut, _cut_all

REBUILD_SECONDS = 600
TITLES = 20_000
MAX_CANDIDATES = 8
MAX_TRIED = 8  # corrected queries run, at most, before giving up
_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


@dataclass
class Vocabulary:
    built: float = 0.0
    frequency: Counter = field(default_factory=Counter)
    blanked: dict[str, list[str]] = field(default_factory=dict)  # 环?保护 → [环境保护]
    shortened: dict[str, list[str]] = field(default_factory=dict)  # 环保护 → [环境保护]
    synonyms: set[str] = field(default_factory=set)  # the synonym list's words: never "corrected"

    def add(self, word: str, count: int = 1) -> None:
        if len(word) < 2 or not _RUN.fullmatch(word):
            return
        if word not in self.frequency:
            for i in range(len(word)):
                self.blanked.setdefault(word[:i] + "?" + word[i + 1:], []).append(word)
                if len(word) > 2:
                    self.shortened.setdefault(word[:i] + word[i + 1:], []).append(word)
        self.frequency[word] += count

    def candidates(self, typed: str) -> list[str]:
        """Words one wrong, missing, extra or swapped character away from ``typed``."""
        found = set()
        for i in range(len(typed)):
            found.update(self.blanked.get(typed[:i] + "?" + typed[i + 1:], []))
            if len(typed) > 2 and typed[:i] + typed[i + 1:] in self.frequency:
                found.add(typed[:i] + typed[i + 1:])
            if i + 1 < len(typed):
                swapped = typed[:i] + typed[i + 1] + typed[i] + typed[i + 2:]
                if swapped in self.frequency:
                    found.add(swapped)
        found.update(self.shortened.get(typed, []))
        found.discard(typed)
        return sorted(found, key=lambda w: (-self.frequency[w], w))


_state: dict = {"vocabulary": None}
_lock = threading.Lock()


def _build() -> Vocabulary:
    from gongkai.catalogue.models import Category, Item, Topic
    from gongkai.organs.models import Organ
    from gongkai.search.models import SynonymGroup

    vocabulary = Vocabulary(built=time.monotonic())
    titles = Item.objects.published().order_by("-pk").values_list("title", flat=True)[:TITLES]
    for title in titles:
        text = query_text(title)
        for word in set(_cut_all(text)) | set(_cut(text)):
            vocabulary.add(word)
    names = list(Organ.objects.values_list("name", flat=True)) + list(Topic.objects.values_list("name", flat=True))
    names += list(Category.objects.values_list("name", flat=True))
    for group in SynonymGroup.objects.filter(is_active=True):
        names += group.word_list()
        vocabulary.synonyms.update(group.word_list())
    for name in names:
        for run in _RUN.findall(query_text(name)):
            vocabulary.add(run, 2)
    return vocabulary


def vocabulary() -> Vocabulary:
    current = _state["vocabulary"]
    if current is None or time.monotonic() - current.built > REBUILD_SECONDS:
        with _lock:
            current = _state["vocabulary"]
            if current is None or time.monotonic() - current.built > REBUILD_SECONDS:
                current = _build()
                _state["vocabulary"] = current
    return current


def forget_local() -> None:
    _state["vocabulary"] = None


def corrections(query: str, known: Callable[[str], bool]) -> list[str]:
    """Corrected forms of ``query``, most likely first: each Chinese run of the query, then each
    unknown word of it (``known(word)`` says whether the index holds a word) and each unknown word
    joined to its neighbour, replaced by a near word of the vocabulary."""
    text = query_text(query)
    words = vocabulary()
    out: list[str] = []

    def correct(word: str) -> bool:
        # A word the index holds, or one of the synonym list (低保, 技改), is what was meant, not a slip.
        return not (known(word) or word in words.synonyms)

    def offer(start: int, end: int, typed: str) -> None:
        for candidate in words.candidates(typed)[:MAX_CANDIDATES]:
            corrected = text[:start] + candidate + text[end:]
            if corrected not in out:
                out.append(corrected)

    for match in _RUN.finditer(text):
        run = match.group()
        if len(run) > 2 and correct(run):
            offer(match.start(), match.end(), run)
        tokens = []
        position = match.start()
        for token in _cut(run):
            tokens.append((position, position + len(token), token))
            position += len(token)
        for i, (a, b, token) in enumerate(tokens):
            if not correct(token):
                continue
            offer(a, b, token)
            if i > 0:
                offer(tokens[i - 1][0], b, tokens[i - 1][2] + token)
            if i + 1 < len(tokens):
                offer(a, tokens[i + 1][1], token + tokens[i + 1][2])
    return out[:MAX_CANDIDATES * 2]
