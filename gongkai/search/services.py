"""Search services: keep the index in step with the catalogue, and answer
queries. ``search()`` is what the portal and the API call."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import tantivy
from django.core.cache import cache

from gongkai.search import index as ix
from gongkai.search.segment import query_words, sub_words

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12
MAX_PER_PAGE = 100
MAX_RESULTS_WINDOW = 10_000  # deepest result reachable by paging
RESULT_CACHE_SECONDS = 300


# --- keeping the index current --------------------------------------------------


def reindex_item(item_id: int) -> bool:
    """Put the item in the index as the public sees it now, or take it out
    when it is no longer public. Returns whether the item is in the index."""
    item = ix.indexable_items().filter(pk=item_id).first()
    # By query, not by term: tantivy-py builds an i64 term from a Python int,
    # which never matches the u64 id field.
    entry = tantivy.Query.term_query(ix.SCHEMA, "id", int(item_id))
    if item is None:
        with ix.writer() as w:
            w.delete_documents_by_query(entry)
        return False
    fields = ix.item_fields(item, **ix.context_for_indexing())
    document = ix.make_document(ix.segment_fields(fields))
    with ix.writer() as w:
        w.delete_documents_by_query(entry)
        w.add_document(document)
    return True


# --- answering queries -----------------------------------------------------------


@dataclass
class Hit:
    id: int
    score: float


@dataclass
class Results:
    total: int
    hits: list[Hit]
    words: list[str] = field(default_factory=list)
    page: int = 1
    per_page: int = 20

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS_WINDOW)
        return max(1, -(-reachable // self.per_page))


def _term(field_name: str, value) -> tantivy.Query:
    return tantivy.Query.term_query(ix.SCHEMA, field_name, value)


def _word_query(word: str, searcher: tantivy.Searcher) -> tantivy.Query:
    """A query word is one term: documents hold every dictionary word found
    in them (segment.index_tokens), so 生态环境 matches 生态环境保护. A word
    the documents never hold as such (a new word the HMM cut differently
    there) falls back to all of its sub-words."""
    query = _term("text", word)
    subs = sub_words(word)
    if subs and searcher.doc_freq("text", word) == 0:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, _term("text", sub)) for sub in subs])
    return query


def _filter(query: tantivy.Query) -> tuple:
    # Filters must match but do not change the ranking.
    return (tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0))


def search(
    query: str,
    *,
    organs=None,
    column: int | None = None,
    topic: int | None = None,
    category: int | None = None,
    year: int | None = None,
    validity: str | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    remember: bool = True,
) -> Results:
    """Full-text search over published items.

    ``organs``: issuing organs (ids) to keep; ``column``: an organ whose column
    (for a government: its portal) the items must appear in. Any user input is
    accepted: it is segmented into words and never parsed as query syntax, so
    no input can cause a syntax error. ``remember``: keep the answer in the
    cache for the same question (callers that cache the whole page say no)."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    words = query_words((query or "")[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]
    results = Results(total=0, hits=[], words=words, page=page, per_page=per_page)
    offset = (page - 1) * per_page
    if not words or offset >= MAX_RESULTS_WINDOW:
        return results

    searcher = ix.searcher()
    key = (
        "search:results:"
        + hashlib.sha1(
            repr(
                (
                    ix.index_dir(),
                    ix.generation(),
                    words,
                    sorted(organs or []),
                    column,
                    topic,
                    category,
                    year,
                    validity,
                    order,
                    page,
                    per_page,
                )
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(key) if remember else None
    if cached is not None:
        return cached
    clauses = [(tantivy.Occur.Must, _word_query(word, searcher)) for word in words]
    if organs:
        clauses.append(_filter(tantivy.Query.term_set_query(ix.SCHEMA, "organ", [int(o) for o in organs])))
    if column is not None:
        clauses.append(_filter(_term("columns", int(column))))
    if topic is not None:
        clauses.append(_filter(_term("topic", int(topic))))
    if category is not None:
        clauses.append(_filter(_term("category", int(category))))
    if year is not None:
        clauses.append(_filter(_term("year", int(year))))
    if validity:
        code = ix.VALIDITY_CODES.get(validity)
        if code is None:
            return results
        clauses.append(_filter(_term("validity", code)))
    q = clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    # Ranking and counting in one pass over the postings: measured on a 1M-item
    # index, cheaper than a pruned top-k pass followed by a separate count.
    kwargs = {"limit": per_page, "offset": offset, "count": True}
    if order == "date":
        kwargs.update(order_by_field="published", order=tantivy.Order.Desc)
    found = searcher.search(q, **kwargs)
    results.total = found.count
    for score, address in found.hits:
        doc = searcher.doc(address)
        results.hits.append(Hit(id=int(doc["id"][0]), score=float(score)))
    # Popular queries repeat: keep the answer until this process sees a new commit.
    if remember:
        cache.set(key, results, RESULT_CACHE_SECONDS)
    return results
