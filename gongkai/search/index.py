"""The tantivy full-text index (全文检索索引) of published items.

One directory (``settings.SEARCH_INDEX_DIR``) holds the index. Exactly one
process writes at a time — the Celery worker indexing an item, or the
``rebuild_search_index`` command — serialised by an OS file lock next to the
index; any number of web processes read it and reload after a commit
(see docs/search.md).

Text fields hold jieba tokens separated by spaces and use tantivy's
``whitespace`` tokenizer, so the index holds exactly the words jieba found.
Numeric fast fields carry what the filters and the date order need.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import tantivy
from django.conf import settings
from django.utils import timezone

from gongkai.search.normalise import identifiers
from gongkai.search.segment import index_tokens

if TYPE_CHECKING:
    import datetime as dt

    from django.db.models import QuerySet

    from gongkai.catalogue.models import Item

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "body", "docno", "index_number", "keywords", "attachments", "meta")
# Every text field is indexed into one field, ``text``, the title three times
# and the 发文字号 and keywords twice: a query word is then a single term
# query, which tantivy ranks top-k with block-max WAND (skipping blocks that
# cannot enter the top k) instead of scoring every match of a common word.
FIELD_WEIGHTS = {"title": 3, "docno": 2, "index_number": 2, "keywords": 2, "body": 1, "attachments": 1, "meta": 1}
VALIDITY_CODES = {"in_force": 1, "repealed": 2, "expired": 3}
# How often a reader checks whether a writer committed (seconds). A published
# item is searchable within this delay plus the indexing time.
RELOAD_INTERVAL = 1.0
WRITER_HEAP = 64_000_000


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("text", stored=False, tokenizer_name="whitespace", index_option="freq")
    # The item's 索引号 and 文号, each one exact term in one written form (normalise.identifiers).
    builder.add_text_field("ident", stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("organ", indexed=True, fast=True)
    # Every column (organ column, government portals above it) showing the item.
    builder.add_unsigned_field("columns", indexed=True)
    # The item's topic and the topics above it, so a parent topic finds its children's items.
    builder.add_unsigned_field("topic", indexed=True)
    builder.add_unsigned_field("category", indexed=True, fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_unsigned_field("validity", indexed=True, fast=True)
    builder.add_integer_field("published", indexed=False, fast=True)
    # The item's updated_at (microseconds) when it was indexed: reconciliation
    # compares it with the catalogue to find stale entries.
    builder.add_integer_field("stamp", stored=True, indexed=False)
    return builder.build()


SCHEMA = build_schema()


@dataclass
class _Handle:
    index: tantivy.Index
    last_reload: float
    generation: int = 0  # changes whenever this process sees a new commit


def _meta_mtime(path: Path) -> int:
    try:
        return (path / "meta.json").stat().st_mtime_ns
    except FileNotFoundError:
        return 0


_handles: dict[str, _Handle] = {}
_handles_lock = threading.Lock()


def index_dir() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def get_index() -> tantivy.Index:
    """The index of this process (opened, or created when missing)."""
    path = index_dir()
    key = str(path)
    handle = _handles.get(key)
    if handle is None:
        with _handles_lock:
            handle = _handles.get(key)
            if handle is None:
                path.mkdir(parents=True, exist_ok=True)
                index = None
                if (path / "meta.json").exists():
                    # An existing index is opened while another process writes it
                    # (readers never wait for the writer lock).
                    with contextlib.suppress(ValueError):
                        index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
                if index is None:  # to be created, or of another schema: under the lock
                    with _file_lock():
                        index = _open_or_replace(path)
                handle = _Handle(index=index, last_reload=time.monotonic(), generation=_meta_mtime(path))
                # One folder in production; tests switch folders per test, so
                # let go of the old ones instead of keeping their files open.
                while len(_handles) >= 2:
                    _handles.pop(next(iter(_handles)))
                _handles[key] = handle
    return handle.index


def _open_or_replace(path: Path) -> tantivy.Index:
    """Open the index; one built with another schema is moved aside, kept,
    and replaced by an empty one, which ``rebuild_search_index`` then fills."""
    try:
        return tantivy.Index(SCHEMA, path=str(path), reuse=True)
    except ValueError as exc:
        if "schema does not match" not in str(exc):
            raise
    aside = path.with_name(f"{path.name}.old-schema-{time.strftime('%Y%m%d%H%M%S')}")
    path.rename(aside)
    path.mkdir(parents=True)
    log.error("Search index %s had an older schema: moved to %s; run rebuild_search_index.", path, aside)
    return tantivy.Index(SCHEMA, path=str(path), reuse=True)


def _refresh() -> _Handle:
    """This process's index, reloaded when a writer committed since the last
    look — looked at most every RELOAD_INTERVAL seconds."""
    index = get_index()
    handle = _handles[str(index_dir())]
    now = time.monotonic()
    if now - handle.last_reload >= RELOAD_INTERVAL:
        handle.last_reload = now
        # Read the commit marker before reloading: a commit in between only
        # makes the next check see a newer generation, never an older one.
        current = _meta_mtime(index_dir())
        if current != handle.generation:
            handle.generation = current
            index.reload()
    return handle


def searcher() -> tantivy.Searcher:
    """A searcher on the latest commit: a commit by another process shows
    here within RELOAD_INTERVAL seconds."""
    return _refresh().index.searcher()


def generation() -> int:
    """Identifies what this process's searcher sees (kept up to date like
    the searcher); part of result and page cache keys."""
    return _refresh().generation


def forget_handles() -> None:
    """Drop the opened indexes (tests switch index folders; rebuild swaps it)."""
    with _handles_lock:
        _handles.clear()


class IndexBusy(Exception):
    """Another process holds the index writer (a rebuild, another worker):
    the caller leaves the work queued and tries again later."""


@contextlib.contextmanager
def _file_lock(blocking: bool = True) -> Iterator[None]:
    """An exclusive OS lock shared by every process on this machine (tantivy
    allows one writer per index; a second one would fail with LockBusy).
    Not ``blocking``: raise IndexBusy at once when another holds it."""
    path = index_dir()
    path.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.writer.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy("the search index writer lock is held by another process") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def writer(heap: int = WRITER_HEAP, threads: int = 1, *, blocking: bool = True) -> Iterator[tantivy.IndexWriter]:
    """The single writer, held under the file lock; commits on success. Not
    ``blocking``: IndexBusy at once when another process writes (web requests
    never wait for the index)."""
    index = get_index()
    with _file_lock(blocking):
        try:
            w = index.writer(heap, threads)
        except ValueError as exc:  # tantivy's own lock, held by a writer outside our file lock
            if "lock" not in str(exc).lower():
                raise
            raise IndexBusy(str(exc)) from None
        try:
            yield w
            w.commit()
        except BaseException:
            w.rollback()
            raise
        finally:
            # Consumes the writer and releases tantivy's own writer lock at once
            # (not whenever the garbage collector drops the Python object).
            w.wait_merging_threads()
    handle = _handles[str(index_dir())]
    handle.generation = _meta_mtime(index_dir())
    index.reload()
    handle.last_reload = time.monotonic()


# --- documents ---------------------------------------------------------------


def columns_of(organ_id: int, organ_path: str, government_ids: set[int], on_portal: bool) -> list[int]:
    """The columns showing an item: its organ's, and when it is marked for the
    portal, every government above its organ."""
    columns = [organ_id]
    if on_portal:
        for part in organ_path.strip(".").split("."):
            if part and int(part) != organ_id and int(part) in government_ids:
                columns.append(int(part))
    return columns


def item_fields(
    item: Item, *, government_ids: set[int], topic_parents: dict[int, int | None], synonym_pattern: re.Pattern[str] | None = None,
    names: dict[str, dict[int, str]] | None = None,
) -> dict:
    """The raw values of one item, before segmentation (picklable: the
    rebuild command segments them in worker processes). ``synonym_pattern``
    finds the words of the synonym list in the text: each one found is added
    as a token, so an abbreviation the segmenter does not cut out (工信 in
    市工信局, cut 市工 / 信局) is found as typed."""
    topics = []
    topic_id = item.topic_id
    while topic_id is not None and topic_id not in topics:
        topics.append(topic_id)
        topic_id = topic_parents.get(topic_id)
    published = item.published_at
    return {
        "id": item.pk,
        "title": item.title,
        "body": item.body_text,
        "docno": item.document_number,
        "index_number": item.index_number,
        "ident": identifiers(index_number=item.index_number or "", document_number=item.document_number or ""),
        "keywords": item.keywords.replace(",", " ").replace("，", " ").replace("；", " ").replace(";", " "),
        "attachments": item.attachments_text,
        "organ": item.organ_id,
        "columns": columns_of(item.organ_id, item.organ.path, government_ids, item.on_portal),
        "topic": topics,
        "category": item.category_id,
        "year": timezone.localtime(published).year if published else 0,
        "validity": VALIDITY_CODES.get(item.validity, 0),
        "published": int(published.timestamp()) if published else 0,
        "stamp": stamp_of(item.updated_at),
        "synonym_words": sorted(_found_words(synonym_pattern, item)),
        "meta": _meta_text(names, item),
    }


def _meta_text(names: dict[str, dict[int, str]] | None, item: Item) -> str:
    if not names:
        return ""
    return " ".join(
        filter(None, (names["organ"].get(item.organ_id), names["category"].get(item.category_id), names["topic"].get(item.topic_id)))
    )


def _found_words(pattern: re.Pattern[str] | None, item: Item) -> set[str]:
    if pattern is None:
        return set()
    found = set()
    for text in (item.title, item.document_number, item.keywords, item.body_text, item.attachments_text):
        if text:
            found.update(pattern.findall(text))
    return found


def stamp_of(updated_at: dt.datetime | None) -> int:
    """An item's version stamp in the index: its updated_at in microseconds."""
    return int(updated_at.timestamp() * 1_000_000) if updated_at else 0


def segment_fields(fields: dict) -> dict:
    segmented = dict(fields)
    for name in TEXT_FIELDS:
        segmented[name] = index_tokens(fields[name] or "")
    return segmented


def make_document(segmented: dict) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("id", segmented["id"])
    parts = []
    for name in TEXT_FIELDS:
        if segmented[name]:
            parts.extend([segmented[name]] * FIELD_WEIGHTS[name])
    parts.extend(segmented.get("synonym_words", []))
    doc.add_text("text", " ".join(parts))
    for key in segmented.get("ident", []):
        doc.add_text("ident", key)
    doc.add_unsigned("organ", segmented["organ"])
    for column in segmented["columns"]:
        doc.add_unsigned("columns", column)
    for topic in segmented["topic"]:
        doc.add_unsigned("topic", topic)
    doc.add_unsigned("category", segmented["category"])
    doc.add_integer("year", segmented["year"])
    doc.add_unsigned("validity", segmented["validity"])
    doc.add_integer("published", segmented["published"])
    doc.add_integer("stamp", segmented.get("stamp", 0))
    return doc


def context_for_indexing() -> dict:
    """What every document needs from outside the item: which organs are
    governments (for portal columns) and the topic tree."""
    from gongkai.catalogue.models import Category, Topic
    from gongkai.organs.models import Organ, OrganKind
    from gongkai.search import synonyms

    return {
        "government_ids": set(Organ.objects.filter(kind=OrganKind.GOVERNMENT).values_list("pk", flat=True)),
        "topic_parents": dict(Topic.objects.values_list("pk", "parent_id")),
        "synonym_pattern": synonyms.table().pattern,
        "names": {
            "organ": {pk: f"{name} {short}".strip() for pk, name, short in Organ.objects.values_list("pk", "name", "short_name")},
            "category": dict(Category.objects.values_list("pk", "name")),
            "topic": dict(Topic.objects.values_list("pk", "name")),
        },
    }


def indexable_items() -> QuerySet[Item]:
    """The items the public may see, and so may find (主动公开, published)."""
    from gongkai.catalogue.models import Item

    return Item.objects.published().select_related("organ")


def indexed_stamps(low: int, high: int) -> dict[int, int]:
    """The entries of the index with ids in ``low``–``high``: id → stamp
    (read from the latest commit, for reconciliation)."""
    index = get_index()
    index.reload()
    current = index.searcher()
    query = tantivy.Query.range_query(SCHEMA, "id", tantivy.FieldType.Unsigned, low, high)
    found = current.search(query, limit=max(1, high - low + 1), count=False)
    stamps = {}
    for _score, address in found.hits:
        doc = current.doc(address)
        stamps[int(doc["id"][0])] = int((doc.get_all("stamp") or [0])[0])
    return stamps


def highest_indexed_id() -> int:
    current = searcher()
    found = current.search(tantivy.Query.all_query(), limit=1, count=False, order_by_field="id", order=tantivy.Order.Desc)
    for _score, address in found.hits:
        return int(current.doc(address)["id"][0])
    return 0
