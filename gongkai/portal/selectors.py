"""Read-only questions the public pages ask of the catalogue. Only
published, proactively disclosed items (``Item.objects.published()``) are
ever returned."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Q

from gongkai.catalogue.models import Category, Item, Topic
from gongkai.organs.models import Organ, OrganKind
from gongkai.portal import cache as page_cache


def public_organs():
    return Organ.objects.filter(is_active=True)


# Organs by slug, per ``conf`` version (bumped whenever an organ is saved),
# kept in the process: every public page starts with this look-up.
_ORGANS: dict[tuple, Organ | None] = {}


def organ_for_slug(slug: str) -> Organ | None:
    """The active organ with this web address name, with ``portal_government``
    (the government whose portal carries its items) already looked up; the
    same object is shared by requests, so callers must not change it."""
    key = (page_cache.versions(["conf"]), slug)
    if key not in _ORGANS:
        organ = public_organs().filter(slug=slug).first()
        if organ is not None:
            organ.portal_government = organ.government
        if len(_ORGANS) >= 1024:
            _ORGANS.clear()
        _ORGANS[key] = organ
    return _ORGANS[key]


def column_organ_ids(organ: Organ) -> list[int]:
    """Organs whose items the column shows: a government's portal column
    aggregates the organs below it."""
    if organ.kind != OrganKind.GOVERNMENT:
        return [organ.pk]
    return _cached(f"organ-ids-below:{organ.pk}", lambda: list(Organ.objects.below(organ).values_list("pk", flat=True)))


def column_items(organ: Organ):
    """The organ's column: its own published items and, for a government,
    the items of organs below it that are marked for the portal."""
    published = Item.objects.published()
    if organ.kind != OrganKind.GOVERNMENT:
        return published.filter(organ=organ)
    below = [pk for pk in column_organ_ids(organ) if pk != organ.pk]
    if not below:
        return published.filter(organ=organ)
    return published.filter(Q(organ=organ) | Q(organ_id__in=below, on_portal=True))


def platform_items():
    """What the portal home lists: the published items of every active organ."""
    return Item.objects.published().filter(organ__is_active=True)


def list_items(queryset):
    return (
        queryset.select_related("organ", "topic", "category")
        .only(
            "id",
            "title",
            "organ__name",
            "organ__short_name",
            "organ__slug",
            "topic__name",
            "topic__parent_id",
            "category__name",
            "document_number",
            "index_number",
            "published_at",
            "validity",
            "date_formed",
            "summary",
        )
        .order_by("-published_at", "-id")
    )


# What a catalogue row shows: plain values, no joins (organ and category names from the look-ups).
ROW_FIELDS = ("id", "title", "validity", "index_number", "document_number", "published_at", "organ_id", "category_id")


def list_rows(queryset):
    """The rows of a catalogue list as tuples of ROW_FIELDS, newest first."""
    return queryset.values_list(*ROW_FIELDS).order_by("-published_at", "-id")


def interpretation_partners(item: Item) -> tuple[list[Item], list[Item]]:
    """The published interpretations of ``item`` and the published documents
    it interprets, each oldest first: one look-up of the links (most items
    have none), then one of the partners."""
    links = list(
        Item.interprets.through.objects.filter(Q(from_item_id=item.pk) | Q(to_item_id=item.pk)).values_list(
            "from_item_id", "to_item_id"
        )
    )
    if not links:
        return [], []
    partners = (
        Item.objects.published()
        .select_related("organ")
        .only("id", "title", "published_at", "interpretation_kind", "organ__slug", "organ__name", "organ__short_name")
        .filter(pk__in={a if b == item.pk else b for a, b in links})
        .order_by("published_at", "id")
    )
    interpreting = {a for a, b in links if b == item.pk}
    interpreted = {b for a, b in links if a == item.pk}
    partners = list(partners)
    return [p for p in partners if p.pk in interpreting], [p for p in partners if p.pk in interpreted]


def topic_with_descendants(topic_id: int) -> list[int]:
    parents = {t.pk: t.parent_id for t in topics()}
    ids = {topic_id}
    changed = True
    while changed:
        changed = False
        for pk, parent in parents.items():
            if parent in ids and pk not in ids:
                ids.add(pk)
                changed = True
    return sorted(ids)


# The same look-ups kept in this process too, under the same versioned key:
# a hit costs neither a round trip nor unpickling a list of model instances.
# Callers share the values, so they must not change them.
_DATA: dict[str, object] = {}
_DATA_LIMIT = 512


def _cached(name: str, compute, names=()):
    """Small shared look-ups (topics, categories, organ lists), cached until
    the configuration (or the given column) changes."""
    key = f"portal:data:{page_cache.versions(['conf', *names])}:{name}"
    value = _DATA.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, 3600)
    if len(_DATA) >= _DATA_LIMIT:
        _DATA.clear()
    _DATA[key] = value
    return value


def forget_local() -> None:
    _DATA.clear()
    _ORGANS.clear()


def organ_id_for_slug(slug: str) -> int | None:
    key = f"portal:slug:{slug}"
    organ_id = cache.get(key)
    if organ_id is None:
        organ_id = public_organs().filter(slug=slug).values_list("pk", flat=True).first() or 0
        cache.set(key, organ_id, 300)
    return organ_id or None


def search_organs(organ: Organ | None) -> list[Organ]:
    """The organs offered in a search page's organ filter."""
    if organ is None:
        return _cached("organs", lambda: list(public_organs().order_by("path")))
    if organ.kind != OrganKind.GOVERNMENT:
        return [organ]
    return _cached(f"organs-below:{organ.pk}", lambda: list(public_organs().below(organ).order_by("path")))


def topics() -> list[Topic]:
    return _cached("topics", _topics)


def _topics() -> list[Topic]:
    """Active topics in tree order: each top-level topic followed by its children."""
    active = list(Topic.objects.filter(is_active=True).select_related("parent"))
    children: dict[int, list[Topic]] = {}
    for topic in active:
        children.setdefault(topic.parent_id, []).append(topic)
    ordered: list[Topic] = []

    def walk(parent_id):
        for topic in children.get(parent_id, []):
            ordered.append(topic)
            walk(topic.pk)

    walk(None)
    return ordered


def categories() -> list[Category]:
    return _cached("categories", lambda: list(Category.objects.filter(is_active=True)))


def all_categories() -> list[Category]:
    """Every category, retired ones too (an item keeps the category it was published under)."""
    return _cached("categories-all", lambda: list(Category.objects.all()))


def organ_labels() -> dict[int, tuple[str, str, str]]:
    """Every organ's (slug, name, display name), by id: what a list row shows of its organ."""
    return _cached(
        "organ-row-labels",  # (slug, name, display name); a new name when the shape changes
        lambda: {
            pk: (slug, name, short_name or name)
            for pk, slug, name, short_name in Organ.objects.values_list("pk", "slug", "name", "short_name")
        },
    )


# A large column total may be this stale (seconds): recounting a million rows
# after every publish below a government cost 1.7 s per cold list page at 1M
# items. Totals below STALE_COUNT_FROM are cheap and always counted afresh, so
# a small column never hides a new item behind an old total.
COUNT_SECONDS = 300
STALE_COUNT_FROM = 10_000


def cached_count(queryset, organ: Organ | None, label: str) -> int:
    """COUNT(*) of a column list. A large total is cached for COUNT_SECONDS
    whatever is published meanwhile (the newest items are on page 1, which
    the paginator always fills; only the far end of the last page can lag)."""
    key = f"portal:count:{page_cache.versions(['conf'])}:{organ.pk if organ else 0}:{label}"
    value = cache.get(key)
    if value is None or value < STALE_COUNT_FROM:
        value = queryset.count()
        cache.set(key, value, COUNT_SECONDS)
    return value


def column_years(organ: Organ | None) -> list[int]:
    """The years in which the column published, newest first (two indexed
    look-ups, not a scan; cached until the column changes)."""
    names = [page_cache.organ_key(organ.pk)] if organ else ["items"]
    return _cached(f"years:{organ.pk if organ else 0}", lambda: _column_years(organ), names)


def _column_years(organ: Organ | None) -> list[int]:
    qs = column_items(organ) if organ else Item.objects.published()
    newest = qs.order_by("-published_at").values_list("published_at", flat=True).first()
    oldest = qs.order_by("published_at").values_list("published_at", flat=True).first()
    if not newest or not oldest:
        return []
    from django.utils import timezone

    return list(range(timezone.localtime(newest).year, timezone.localtime(oldest).year - 1, -1))
