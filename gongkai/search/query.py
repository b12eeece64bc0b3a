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
4. A query that *is* a 索引号 or 文号 also looks up the exact identifier, boosted
   so the item is the first hit.

Nothing the user types is given to tantivy's query parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tantivy

from gongkai.search import index as ix
from gongkai.search.normalise import query_identifiers, query_text
from gongkai.search.segment import _cut, _cut_all, _cut_for_search, _normalise, in_dictionary
from gongkai.search.synonyms import Table

PART_BOOST = 0.3  # a word's parts score below the word itself
IDENTIFIER_BOOST = 1000.0  # an exact 索引号 / 文号 outranks any text match


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
    return units[:max_units]


def parts(word: str) -> list[str]:
    """The parts a word falls back to: the longest dictionary words inside it (环境保护 → 环境, 保护;
    工业和信息化 → 工业, 信息化), only when together they cover all of it but at most one character
    (a typo such as 环竟保护 has no parts: "did you mean" answers it)."""
    if len(word) < 3 and in_dictionary(word):
        return []
    found = {w for w in _cut_all(word) + _cut_for_search(word) if len(w) > 1 and w != word}
    found = {w.lower() for w in found if w.strip() and in_dictionary(w)}
    maximal = [w for w in found if not any(w != o and w in o for o in found)]
    if not maximal:
        return []
    covered: set[int] = set()
    for w in maximal:
        start = word.find(w)
        while start != -1:
            covered.update(range(start, start + len(w)))
            start = word.find(w, start + 1)
    if len(covered) < len(word) - 1:
        return []
    return sorted(maximal, key=word.find)


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
    forms = [_all(unit.words, split)] + [_all_terms(alt) for alt in unit.alternatives]
    if unit.alternatives and [unit.text] != unit.words:
        # A word of the synonym list is indexed as it is written wherever it occurs (index.item_fields).
        forms.append(_term(unit.text))
    if len(forms) == 1:
        return forms[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, form) for form in forms])


def splittable(units: list[Unit], searcher: tantivy.Searcher, *, all_words: bool) -> dict[str, list[str]]:
    """The words to fall back to their parts: those that match nothing on their own (and whose unit has
    no synonym form that matches), or, ``all_words``, every word that has parts."""
    split = {}
    for unit in units:
        if not all_words and any(all(searcher.doc_freq("text", w) for w in alt) for alt in unit.alternatives):
            continue
        for word in unit.words:
            if all_words or searcher.doc_freq("text", word) == 0:
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
    exact = tantivy.Query.term_set_query(ix.SCHEMA, "ident", keys)
    return tantivy.Query.boost_query(exact, IDENTIFIER_BOOST)
