"""From what a user typed to the tantivy query.

1. The text is normalised (``normalise.query_text``: traditional → simplified,
   full-width → half-width, lower case) and cut into words (precise mode).
2. Words of the synonym table (``synonyms``) are found in the text itself, not
   in the cut (市工信局 is cut 市工 / 信局, yet holds 工信): the words they
   overlap become one *unit*, which matches its own words or any synonym form
   (市工信局 → 市工业和信息化局, cut again, all words required).
3. Every unit must match. A word that matches nothing on its own (or, when the
   whole query finds nothing, any word that has parts) may fall back to its
   parts (环境保护 → 环境 + 保护, all required) — ranked lower than the exact
   word (``PART_BOOST``); the caller is told which words it split.
4. A query that *is* a 索引号 or 文号 the index holds (however it was bracketed
   or dashed) is answered by the exact identifier alone: that item is the hit.

Nothing the user types is given to tantivy's query parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tantivy

from gongkai.search import index as ix
from gongkai.search.normalise import query_identifiers, query_text
from gongkai.search.segment import _cut, _cut_all, _cut_for_search, _normalise, in_dictionary
from gongkai.search.synonyms import Table

# Question words and particles people type around what they look for (低保怎么申请): left out of
# the query when other words remain.
STOP_WORDS = frozenset(
    "怎么 怎样 怎么样 怎么办 如何 什么 哪些 哪里 哪儿 哪个 是否 有没有 多少 吗 呢 吧 啊 的 了 请问 一下 我 我们 想 想要 要".split()
)
PART_BOOST = 0.3  # a word's parts score below the word itself


@dataclass
class Unit:
    text: str  # the unit as typed (normalised)
    words: list[str]  # its words, all required for the exact form
    alternatives: list[list[str]] = field(default_factory=list)  # synonym forms, each all required


def content_words(text: str) -> list[str]:
    """A synonym form's words: precise cut, without single characters when longer words are there
    (工业和信息化局 → 工业, 信息化: 和 and 局 are not indexed on their own inside a name)."""
    words = list(dict.fromkeys(_normalise(_cut(text))))
    longer = [w for w in words if len(w) > 1]
    return longer or words


def plan(query: str, table: Table, *, max_units: int = 12) -> list[Unit]:
    """The units of a query (see the module's docstring), in order, at most ``max_units``."""
    text = query_text(query)
    tokens = []
    start = 0
    for token in _cut(text):
        tokens.append((start, start + len(token), token))
        start += len(token)
    matches = table.find(text)
    units: list[Unit] = []
    seen: set[str] = set()

    def add(unit: Unit) -> None:
        key = " ".join(unit.words) + "|" + unit.text
        if unit.words and key not in seen:
            seen.add(key)
            units.append(unit)

    i = 0
    m = 0
    while i < len(tokens):
        a, b, token = tokens[i]
        while m < len(matches) and matches[m][1] <= a:
            m += 1
        if m < len(matches) and matches[m][0] < b:
            # Tokens overlapping this synonym word (and any further ones they touch) form one unit.
            j = i
            end = b
            found = []
            while m < len(matches) and matches[m][0] < end:
                found.append(matches[m][2])
                end = max(end, matches[m][1])
                while j + 1 < len(tokens) and tokens[j + 1][0] < end:
                    j += 1
                    end = max(end, tokens[j][1])
                m += 1
            span_start, span_end = tokens[i][0], tokens[j][1]
            unit_text = text[span_start:span_end]
            unit = Unit(text=unit_text, words=list(dict.fromkeys(_normalise([t for _a, _b, t in tokens[i:j + 1]]))))
            for word in found:
                for other in table.others.get(word, []):
                    alt = content_words(unit_text.replace(word, other, 1))
                    if alt and alt != unit.words and alt not in unit.alternatives:
                        unit.alternatives.append(alt)
            add(unit)
            i = j + 1
            continue
        for word in _normalise([token]):
            add(Unit(text=word, words=[word]))
        i += 1
    kept = [unit for unit in units if unit.text not in STOP_WORDS]
    return (kept or units)[:max_units]


def parts(word: str) -> list[str]:
    """The parts a word falls back to: dictionary words inside it, read left to right, the longest at
    each place and not overlapping (环境保护 → 环境, 保护; 工业和信息化 → 工业, 信息化; 财政资金 → 财政,
    资金, not the 政资 between them), only when together they cover all of it but at most one
    character (a typo such as 环竟保护 has no parts: "did you mean" answers it)."""
    if len(word) < 3 and in_dictionary(word):
        return []
    found = {w.lower() for w in _cut_all(word) + _cut_for_search(word) if 1 < len(w) < len(word) and in_dictionary(w)}
    chosen, position, uncovered = [], 0, 0
    while position < len(word):
        here = sorted((w for w in found if word.startswith(w, position)), key=len, reverse=True)
        if here:
            chosen.append(here[0])
            position += len(here[0])
        else:
            uncovered += 1
            position += 1
    return list(dict.fromkeys(chosen)) if chosen and uncovered <= 1 else []


def _term(word: str) -> tantivy.Query:
    return tantivy.Query.term_query(ix.SCHEMA, "text", word)


def _all(words: list[str], split: dict[str, list[str]]) -> tantivy.Query:
    clauses = []
    for word in words:
        query = _term(word)
        if word in split:
            fallback = _all_terms(split[word])
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, query), (tantivy.Occur.Should, tantivy.Query.boost_query(fallback, PART_BOOST))]
            )
        clauses.append((tantivy.Occur.Must, query))
    return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)


def _all_terms(words: list[str]) -> tantivy.Query:
    if len(words) == 1:
        return _term(words[0])
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, _term(w)) for w in words])


def unit_query(unit: Unit, split: dict[str, list[str]]) -> tantivy.Query:
    forms = [_all(form, split) for form in [unit.words, *unit.alternatives]]
    if unit.alternatives and [unit.text] != unit.words:
        # A word of the synonym list is indexed as it is written wherever it occurs (index.item_fields).
        forms.append(_term(unit.text))
    if len(forms) == 1:
        return forms[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, form) for form in forms])


def splittable(units: list[Unit], searcher: tantivy.Searcher, *, all_words: bool) -> dict[str, list[str]]:
    """The words to fall back to their parts: in a unit none of whose forms (the words as typed, a
    synonym form) matches, each word that matches nothing on its own; or, ``all_words``, every word
    that has parts."""
    split = {}
    for unit in units:
        forms = [unit.words, *unit.alternatives]
        if not all_words:
            if any(all(searcher.doc_freq("text", w) for w in form) for form in forms):
                continue
            if unit.alternatives and searcher.doc_freq("text", unit.text):
                continue
        for form in forms:
            for word in form:
                if word not in split and (all_words or searcher.doc_freq("text", word) == 0):
                    found = parts(word)
                    if found:
                        split[word] = found
    return split


def text_query(units: list[Unit], split: dict[str, list[str]]) -> tantivy.Query:
    queries = [unit_query(unit, split) for unit in units]
    return queries[0] if len(queries) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def identifier_query(query: str, searcher: tantivy.Searcher) -> tantivy.Query | None:
    """The exact 索引号 / 文号 look-up when the query is one that the index holds, else None."""
    keys = [k for k in query_identifiers(query) if searcher.doc_freq("ident", k)]
    if not keys:
        return None
    return tantivy.Query.term_set_query(ix.SCHEMA, "ident", keys)
