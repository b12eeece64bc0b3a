"""Chinese word segmentation (分词) for the search index.

Documents are segmented with jieba's *search* mode, which emits every word of
the precise segmentation plus the dictionary words inside long words
(市生态环境局 → 市 生态 环境 生态环境 局), so a query for a short word finds
the longer word it is part of. Queries are segmented in *precise* mode: each
query word is then a term the index holds.

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

    BACKEND = "rjieba"
except ImportError:  # pragma: no cover
    import jieba as _jieba  # type: ignore[no-redef]

    def _cut(text: str) -> list[str]:
        return list(_jieba.cut(text, HMM=True))

    def _cut_for_search(text: str) -> list[str]:
        return list(_jieba.cut_for_search(text, HMM=True))

    BACKEND = "jieba"

# Punctuation becomes a separator (a token made only of punctuation
# disappears; "2024-01" becomes "2024 01" on both the index and the query
# side); text is lower-cased so "PM2.5" meets "pm2.5". Done on the joined
# string at once: per-token Python work would make segmentation 5× slower.
_NOT_WORD = re.compile(r"[^\w\s]+")


def _normalise(tokens: list[str]) -> list[str]:
    return _NOT_WORD.sub(" ", " ".join(tokens).lower()).split()


def index_tokens(text: str) -> str:
    """The text as whitespace-separated tokens, ready for the index."""
    if not text:
        return ""
    return _NOT_WORD.sub(" ", " ".join(_cut_for_search(text)).lower())


def query_words(text: str) -> list[str]:
    """The distinct words of a user's query, in order (precise mode)."""
    seen: dict[str, None] = {}
    for token in _normalise(_cut(text or "")):
        seen.setdefault(token, None)
    return list(seen)


def sub_words(word: str) -> list[str]:
    """The shorter dictionary words inside a long query word, used as a
    fallback when the whole word is not in the index as such."""
    if len(word) < 3:
        return []
    return [t for t in _normalise(_cut_for_search(word)) if t != word]


# --- character bigrams (字二元组) -------------------------------------------------
#
# jieba does not always emit a word inside a longer text as a token: 生态环境保护
# becomes 生态 / 环境保护 (search mode adds 环境, 保护 but never 生态环境). So the
# index also holds, in a second field, the overlapping character pairs of every
# run of Chinese characters (生态环境保护 → 生态 态环 环境 境保 保护), and a query
# word is also looked up there as a phrase of its pairs: a document matches
# whenever it contains the word as a string, however jieba cut it. A pair only
# exists inside one run, so a phrase never spans punctuation or other text.

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_bigrams(text: str) -> str:
    """The overlapping character pairs of every Chinese run of the text,
    whitespace-separated (a run of one character gives nothing)."""
    if not text:
        return ""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(_pairs(run))
    return " ".join(out)


def query_bigrams(word: str) -> list[str]:
    """The pairs of a query word made only of Chinese characters (two or
    more), in order; empty when the word cannot be looked up by pairs."""
    if len(word) < 2 or _CJK_RUN.fullmatch(word) is None:
        return []
    return _pairs(word)
