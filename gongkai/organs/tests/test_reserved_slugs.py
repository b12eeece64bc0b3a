import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver

from gongkai.organs.models import RESERVED_SLUGS, validate_slug_not_reserved


def _root_segments() -> set[str]:
    """The first path segment of every fixed root address (the organ's column, `<slug>/`, aside)."""
    segments = set()
    for pattern in get_resolver().url_patterns:
        for inner in pattern.url_patterns if isinstance(pattern, URLResolver) and not str(pattern.pattern) else [pattern]:
            route = str(inner.pattern).lstrip("^")
            first = route.split("/", 1)[0]
            if first and "<" not in first and isinstance(inner, (URLPattern, URLResolver)):
                segments.add(first.rstrip("$"))
    return segments


def test_every_root_address_is_a_reserved_slug():
    missing = {s for s in _root_segments() if s.lower() not in RESERVED_SLUGS and not s.startswith("sitemap")}
    assert not missing, f"an organ could take these root addresses: {sorted(missing)}"


@pytest.mark.parametrize("slug", ["statistics", "interact", "Search", "sitemap-items.xml"])
def test_a_reserved_slug_is_refused(slug):
    with pytest.raises(ValidationError):
        validate_slug_not_reserved(slug)
