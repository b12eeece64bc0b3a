"""Search services: keep the index in step with the catalogue, and answer
queries. ``search()`` is what the portal and the API call."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import tantivy
from django.core.cache import cache
from django.utils import timezone

from gongkai.search import index as ix
from gongkai.search import normalise, synonyms
from gongkai.search import query as qp

if TYPE_CHECKING:
    from gongkai.search.models import PendingIndex

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12
MAX_PER_PAGE = 100
MAX_RESULTS_WINDOW = 10_000  # deepest result reachable by paging
RESULT_CACHE_SECONDS = 300


# --- keeping the index current --------------------------------------------------


def reindex_item(item_id: int, *, blocking: bool = True) -> bool:
    """Put the item in the index as the public sees it now, or take it out
    when it is no longer public. Returns whether the item is in the index."""
    return item_id in reindex_items([item_id], blocking=blocking)


def reindex_items(item_ids: Iterable[int], *, blocking: bool = True) -> set[int]:
    """Bring the entries of these items in line with the catalogue in one
    commit. Returns the ids now in the index. Not ``blocking``: IndexBusy at
    once when another process holds the writer."""
    item_ids = sorted({int(i) for i in item_ids})
    if not item_ids:
        return set()
    items = list(ix.indexable_items().filter(pk__in=item_ids))
    context = ix.context_for_indexing() if items else {}
    documents = [ix.make_document(ix.segment_fields(ix.item_fields(item, **context))) for item in items]
    with ix.writer(blocking=blocking) as w:
        for item_id in item_ids:
            # By query, not by term: tantivy-py builds an i64 term from a Python int,
            # which never matches the u64 id field.
            w.delete_documents_by_query(tantivy.Query.term_query(ix.SCHEMA, "id", item_id))
        for document in documents:
            w.add_document(document)
    return {item.pk for item in items}


# --- the durable queue: retries and reconciliation ------------------------------------------

BACKOFF_MAX_SECONDS = 300
CLAIM_SECONDS = 120  # how long a worker holds claimed rows before others may take them again
BATCH = 200


def backoff(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failures: 2, 4, 8 … 300."""
    return min(2 ** max(1, attempts), BACKOFF_MAX_SECONDS)


def request_index(item_ids: Iterable[int], *, now: dt.datetime | None = None) -> None:
    """Queue these items for (re)indexing: durable, so a failed or lost job
    is taken up again by ``index_pending``. A request for an item already
    queued or done reopens its row."""
    from gongkai.search.models import PendingIndex

    now = now or timezone.now()
    rows = [PendingIndex(item_id=int(i), requested_at=now, due_at=now, attempts=0, last_error="", done_at=None)
            for i in sorted({int(i) for i in item_ids})]
    for start in range(0, len(rows), 1000):
        PendingIndex.objects.bulk_create(
            rows[start:start + 1000], update_conflicts=True, unique_fields=["item_id"],
            update_fields=["requested_at", "due_at", "attempts", "last_error", "done_at"],
        )


def _mark_done(rows: Iterable[PendingIndex], now: dt.datetime) -> None:
    from gongkai.search.models import PendingIndex

    for row in rows:
        # Only when no newer request came in meanwhile (it would have changed requested_at).
        PendingIndex.objects.filter(pk=row.pk, requested_at=row.requested_at).update(
            done_at=now, due_at=None, attempts=0, last_error=""
        )


def _note_failure(rows: Iterable[PendingIndex], error: BaseException, now: dt.datetime) -> int:
    from gongkai.search.models import PendingIndex

    delay = BACKOFF_MAX_SECONDS
    for row in rows:
        attempts = row.attempts + 1
        delay = min(delay, backoff(attempts))
        PendingIndex.objects.filter(pk=row.pk, done_at__isnull=True).update(
            attempts=attempts, due_at=now + dt.timedelta(seconds=backoff(attempts)), last_error=str(error)[:500]
        )
    return delay


def index_now(item_id: int) -> bool:
    """One item, at once and without waiting for the writer lock (what the
    publish triggers). On IndexBusy the row stays queued with its next
    attempt set, and IndexBusy is raised for the caller to retry later."""
    from gongkai.search.models import PendingIndex

    now = timezone.now()
    rows = list(PendingIndex.objects.filter(item_id=item_id, done_at__isnull=True))
    try:
        present = reindex_item(item_id, blocking=False)
    except (ix.IndexBusy, OSError) as error:
        if not rows:
            request_index([item_id], now=now)
            rows = list(PendingIndex.objects.filter(item_id=item_id, done_at__isnull=True))
        _note_failure(rows, error, now)
        raise ix.IndexBusy(str(error)) from error
    _mark_done(rows, timezone.now())
    return present


def index_pending(*, now: dt.datetime | None = None, limit: int | None = None, blocking: bool = False) -> dict:
    """Index the queued items whose next attempt is due (the periodic job).
    Each batch is claimed with a conditional UPDATE, so two workers or a rerun
    do no harm. Stops at the first IndexBusy: the rows keep their backoff."""
    from gongkai.search.models import PendingIndex

    now = now or timezone.now()
    done = failed = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        candidates = list(PendingIndex.objects.due(now).order_by("due_at", "pk")[:size])
        if not candidates:
            break
        claim_until = max(now, timezone.now()) + dt.timedelta(seconds=CLAIM_SECONDS)
        rows = [
            row for row in candidates
            if PendingIndex.objects.filter(pk=row.pk, done_at__isnull=True, due_at=row.due_at).update(due_at=claim_until)
        ]
        if not rows:
            continue
        try:
            reindex_items([row.item_id for row in rows], blocking=blocking)
        except (ix.IndexBusy, OSError) as error:
            _note_failure(rows, error, timezone.now())
            failed += len(rows)
            log.warning("Search index busy; %d item(s) stay queued: %s", len(rows), error)
            break
        _mark_done(rows, timezone.now())
        done += len(rows)
    return {"indexed": done, "failed": failed, "pending": PendingIndex.objects.pending().count()}


@dataclass
class Drift:
    missing: list[int] = field(default_factory=list)  # published, not in the index
    stale: list[int] = field(default_factory=list)  # in the index with an older stamp
    gone: list[int] = field(default_factory=list)  # in the index, no longer published

    @property
    def ids(self) -> list[int]:
        return sorted(set(self.missing) | set(self.stale) | set(self.gone))


def find_drift(*, batch: int = 5000) -> Drift:
    """Compare the index with the published items, id range by id range:
    ids and version stamps (the items' updated_at)."""
    from gongkai.catalogue.models import Item

    drift = Drift()
    top = max(Item.objects.order_by("-pk").values_list("pk", flat=True).first() or 0, ix.highest_indexed_id())
    for low in range(0, top + 1, batch):
        high = low + batch - 1
        published = {
            pk: ix.stamp_of(updated)
            for pk, updated in ix.indexable_items().filter(pk__range=(low, high)).values_list("pk", "updated_at")
        }
        indexed = ix.indexed_stamps(low, high)
        drift.missing += sorted(published.keys() - indexed.keys())
        drift.gone += sorted(indexed.keys() - published.keys())
        drift.stale += sorted(pk for pk in published.keys() & indexed.keys() if published[pk] != indexed[pk])
    return drift


def reconcile(*, batch: int = 5000, repair: bool = True) -> Drift:
    """The periodic reconciliation: find the drift between the index and the
    catalogue, queue every drifted item (durably) and index the queue."""
    drift = find_drift(batch=batch)
    if drift.ids:
        log.warning(
            "Search index drift: %d missing, %d stale, %d no longer published.",
            len(drift.missing), len(drift.stale), len(drift.gone),
        )
        if repair:
            request_index(drift.ids)
            index_pending()
    return drift


# --- answering queries -----------------------------------------------------------


@dataclass
class Hit:
    id: int
    score: float


@dataclass
class Results:
    total: int
    hits: list[Hit]
    words: list[str] = field(default_factory=list)  # every word looked for (for highlighting)
    page: int = 1
    per_page: int = 20
    # Words that matched nothing as typed and were looked for by their parts: 环境保护 → [环境, 保护].
    split: dict[str, list[str]] = field(default_factory=dict)
    # The query was a 索引号 or 文号 the index holds: that item comes first.
    identifier: bool = False
    # For a query that found nothing: a corrected query that finds something (“您是不是要找”).
    suggestion: str = ""
    # When the results are those of the suggestion (``correct=True``): the query as typed.
    corrected_from: str = ""

    @property
    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS_WINDOW)
        return max(1, -(-reachable // self.per_page))


def _term(field_name: str, value: int | str) -> tantivy.Query:
    return tantivy.Query.term_query(ix.SCHEMA, field_name, value)


def _filter(query: tantivy.Query) -> tuple:
    # Filters must match but do not change the ranking.
    return (tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0))


def _filters(*, organs: Iterable[int] | None, column: int | None, topic: int | None, category: int | None, year: int | None,
             validity: str | None) -> list[tuple] | None:
    """The filter clauses; None when a filter can match nothing (an unknown validity)."""
    clauses = []
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
            return None
        clauses.append(_filter(_term("validity", code)))
    return clauses


def search(
    query: str,
    *,
    organs: Iterable[int] | None = None,
    column: int | None = None,
    topic: int | None = None,
    category: int | None = None,
    year: int | None = None,
    validity: str | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    remember: bool = True,
    correct: bool = False,
) -> Results:
    """Full-text search over published items.

    ``organs``: issuing organs (ids) to keep; ``column``: an organ whose column
    (for a government: its portal) the items must appear in. Any user input is
    accepted: it is normalised, segmented into words and never parsed as query
    syntax, so no input can cause a syntax error (gongkai.search.query says how
    a query is built: synonyms, parts, 索引号 and 文号). ``remember``: keep the
    answer in the cache for the same question (callers that cache the whole
    page say no). ``correct``: when nothing is found and a corrected query
    finds something, answer with its results (``corrected_from`` says so)."""
    filters = {"organs": organs, "column": column, "topic": topic, "category": category, "year": year,
               "validity": validity}
    results = _search(query, filters=filters, order=order, page=page, per_page=per_page, remember=remember)
    if results.total == 0 and results.words and results.page == 1:
        results.suggestion = _suggestion(query, filters, remember)
        if correct and results.suggestion:
            corrected = _search(results.suggestion, filters=filters, order=order, page=page, per_page=per_page,
                                remember=remember)
            corrected.corrected_from = (query or "")[:MAX_QUERY_CHARS]
            corrected.suggestion = results.suggestion
            return corrected
    return results


def _suggestion(query: str, filters: dict, remember: bool) -> str:
    """The first corrected query, most likely first (suggest.corrections), that finds something; none: "".
    Kept in the cache like an answer (``remember``): a popular misspelling is corrected once per commit."""
    from gongkai.search.suggest import MAX_TRIED, corrections

    key = "search:suggestion:" + hashlib.sha1(
        repr((ix.index_dir(), ix.generation(), synonyms.table().version, normalise.query_text(query[:MAX_QUERY_CHARS]),
              sorted(filters["organs"] or []), [filters[n] for n in ("column", "topic", "category", "year", "validity")])
             ).encode()
    ).hexdigest()
    cached = cache.get(key) if remember else None
    if cached is not None:
        return cached
    current = ix.searcher()
    found = ""
    for candidate in corrections(query[:MAX_QUERY_CHARS], lambda w: current.doc_freq("text", w) > 0)[:MAX_TRIED]:
        if _search(candidate, filters=filters, order="relevance", page=1, per_page=1, remember=remember).total:
            found = candidate
            break
    if remember:
        cache.set(key, found, RESULT_CACHE_SECONDS)
    return found


def _search(query: str, *, filters: dict, order: str, page: int, per_page: int, remember: bool) -> Results:
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    text = (query or "")[:MAX_QUERY_CHARS]
    table = synonyms.table()
    units = qp.plan(text, table, max_units=MAX_QUERY_WORDS)
    words = list(dict.fromkeys(w for unit in units for form in [unit.words, *unit.alternatives] for w in form))
    results = Results(total=0, hits=[], words=words, page=page, per_page=per_page)
    offset = (page - 1) * per_page
    if not units or offset >= MAX_RESULTS_WINDOW:
        return results

    searcher = ix.searcher()
    key = (
        "search:results:"
        + hashlib.sha1(
            repr(
                (
                    ix.index_dir(),
                    ix.generation(),
                    table.version,
                    normalise.query_text(text),
                    sorted(filters["organs"] or []),
                    [filters[name] for name in ("column", "topic", "category", "year", "validity")],
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
    clauses = _filters(**filters)
    if clauses is None:
        return results
    identifier = qp.identifier_query(text, searcher)
    results.identifier = identifier is not None
    if identifier is not None:
        order = "relevance"  # the item asked for by its number comes first

    def run(split: dict[str, list[str]]) -> tantivy.SearchResult:
        # A whole 索引号 or 文号 the index holds answers with that item alone: the words of a number
        # (2024, 17, 号) would otherwise bring every item of the year along.
        q = identifier if identifier is not None else qp.text_query(units, split)
        if clauses:
            q = tantivy.Query.boolean_query([(tantivy.Occur.Must, q), *clauses])
        # Ranking and counting in one pass over the postings: measured on a 1M-item
        # index, cheaper than a pruned top-k pass followed by a separate count.
        kwargs = {"limit": per_page, "offset": offset, "count": True}
        if order == "date":
            kwargs.update(order_by_field="published", order=tantivy.Order.Desc)
        return searcher.search(q, **kwargs)

    split = qp.splittable(units, searcher, all_words=False)
    found = run(split)
    if found.count == 0:
        # Nothing for the words together: let every word that has parts fall back to them.
        wider = qp.splittable(units, searcher, all_words=True)
        if wider != split:
            split, found = wider, run(wider)
    results.total = found.count
    # Told only of the words as typed (a synonym form falling back to its parts is not news to the reader).
    typed = {word for unit in units for word in unit.words}
    results.split = {word: found_parts for word, found_parts in split.items() if word in typed} if found.count else {}
    results.words = list(dict.fromkeys(words + [p for found_parts in results.split.values() for p in found_parts]))
    for score, address in found.hits:
        doc = searcher.doc(address)
        results.hits.append(Hit(id=int(doc["id"][0]), score=float(score)))
    # Popular queries repeat: keep the answer until this process sees a new commit.
    if remember:
        cache.set(key, results, RESULT_CACHE_SECONDS)
    return results
