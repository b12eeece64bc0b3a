"""Every URL pattern of the project, found by walking the resolved URLconf."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # the whole route, e.g. "workspace/items/<int:pk>/"
    callback: object

    def __str__(self) -> str:
        return self.name


def _walk(resolver: URLResolver, prefix: str, namespace: str):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) if entry.namespace else namespace
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            yield Pattern(name=name, route=route, callback=entry.callback)


def all_patterns() -> list[Pattern]:
    """Every pattern once, in URLconf order (a name used twice is kept under its first route)."""
    seen: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver(), "", ""):
        seen.setdefault(pattern.name, pattern)
    return list(seen.values())
