"""Chinese word segmentation (分词) for the search index.

Documents are indexed with every dictionary word found anywhere in them
(jieba's *full* mode: 生态环境保护 → 生态 / 生态环境 / 环境 / 环境保护 / 保护),
plus the words of jieba's *search* mode that full mode does not give — single
characters standing alone and new words found by the HMM (马登镇) — so a query
word is found wherever it occurs as a string, however the precise cut went.
Queries are segmented in *precise* mode: each query word is then a term the
index holds.

``rjieba`` (the Rust port, 15× faster, same dictionary) is used; the pure
Python ``jieba`` only when rjieba cannot be imported.
"""

from __future__ import annotations

import re

try:  # pragma: no cover - which branch runs depends on the install
    import rjieba as _jieba

    def _cut(text: str) -> list[str]:
        return _jieba.cut(text, hmm=True)

    def _cut_for_search(text: str) -> list[str]:
        return _jieba.cut_for_search(text, hmm=True)

    def _cut_all(text: str) -> list[str]:
        return _jieba.cut_all(text)

    def in_dictionary(word: str) -> bool:
        return _jieba.has_word(word)

    BACKEND = "rjieba"
except ImportError:  # pragma: no cover
    import jieba as _jieba  # type: ignore[no-redef]

    def _cut(text: str) -> list[str]:
        return list(_jieba.cut(text, HMM=True))

    def _cut_for_search(text: str) -> list[str]:
        return list(_jieba.cut_for_search(text, HMM=True))

    def _cut_all(text: str) -> list[str]:
        return list(_jieba.cut(text, cut_all=True))

    def in_dictionary(word: str) -> bool:
        _jieba.initialize()
        return bool(_jieba.dt.FREQ.get(word))

    BACKEND = "jieba"

# Punctuation becomes a separator (a token made only of punctuation
# disappears; "2024-01" becomes "2024 01" on both the index and the query
# side); text is lower-cased so "PM2.5" meets "pm2.5". Done on the joined
# string at once: per-token Python work would make segmentation 5× slower.
_NOT_WORD = re.compile(r"[^\w\s]+")


def _normalise(tokens: list[str]) -> list[str]:
    return _NOT_WORD.sub(" ", " ".join(tokens).lower()).split()


def index_tokens(text: str) -> str:
    """The text as whitespace-separated tokens, ready for the index.

    Full mode gives every dictionary word of two or more characters at every
    position (a word inside a longer one, or across the precise cut: 生态环境 in
    生态环境保护, which precise and search mode cut 生态 / 环境保护); search mode
    adds what full mode lacks (single characters standing alone, HMM words,
    Latin and numbers such as PM2.5). A word is counted once per occurrence.
    """
    if not text:
        return ""
    words = [w for w in _cut_all(text) if len(w) > 1]
    known = set(words)
    words.extend(w for w in _cut_for_search(text) if w not in known)
    return _NOT_WORD.sub(" ", " ".join(words).lower())


def query_words(text: str) -> list[str]:
    """The distinct words of a user's query, in order (precise mode)."""
    seen: dict[str, None] = {}
    for token in _normalise(_cut(text or "")):
        seen.setdefault(token, None)
    return list(seen)
