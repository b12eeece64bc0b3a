"""URL normalisation (规范化) so that each target is checked once.

Two spellings of one address — ``HTTP://Example.org:80/a/./b/../c?x=%7e`` and ``http://example.org/a/c?x=~`` —
must land on the same key: scheme and host lower-cased, the host in IDNA, default ports dropped, dot segments
resolved, percent-escapes of unreserved characters decoded and the others upper-cased, everything else that is
not allowed in a URL encoded as UTF-8. The fragment is split off: it names a place in the page, not a page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
CHECKED_SCHEMES = frozenset(DEFAULT_PORTS)
# RFC 3986 §2.3: escapes of these carry no meaning and are decoded.
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in a path or query (reserved characters keep their meaning, "%" starts an escape).
_SAFE = frozenset(b"!$&'()*+,;=:@/?%") | _UNRESERVED
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


class MalformedURL(ValueError):
    """The text cannot be read as an http(s) address (bad port, bad host, unbalanced brackets…)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A normalised address: ``url`` without the fragment, the fragment apart ("" when none)."""

    url: str
    fragment: str
    host: str  # "host:port" as compared with the allowed hosts


def _normalise_escapes(text: str, *, fragment: bool = False) -> str:
    def fix(match: re.Match[str]) -> str:
        byte = int(match.group(1), 16)
        return chr(byte) if byte in _UNRESERVED else "%" + match.group(1).upper()

    text = _ESCAPE.sub(fix, text)
    out = []
    for char in text:
        code = ord(char)
        if code < 128 and code in _SAFE:
            out.append(char)
        elif fragment and char == "#":
            out.append("%23")
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8"))
    # A lone "%" not starting an escape is itself encoded.
    return re.sub(r"%(?![0-9A-F]{2})", "%25", "".join(out))


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for segment in segments[1:]:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    tail = "/" if segments[-1] in (".", "..") else ""
    return "/" + "/".join(output) + (tail if output else "")


def normalise(href: str, base: str = "") -> Target | None:
    """Resolve ``href`` against ``base`` and normalise it; None for links that are not http(s)
    (``mailto:``, ``javascript:``, ``tel:``, ``data:``); MalformedURL when it cannot be read."""
    href = href.strip()
    # A site links to the same addresses from page after page: an absolute address, or one from the root of the
    # site, does not depend on the rest of the page's address, so those are normalised once.
    if "://" in href[:12]:
        base = ""
    elif href.startswith("/") and not href.startswith("//") and base:
        base = "/".join(base.split("/", 3)[:3]) + "/"
    return _normalise(href, base)


@functools.lru_cache(maxsize=100_000)
def _normalise(href: str, base: str) -> Target | None:
    href = href.replace("\t", "").replace("\n", "").replace("\r", "")
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
        scheme = parts.scheme.lower()
        if scheme not in CHECKED_SCHEMES:
            if scheme:
                return None
            raise MalformedURL(f"{href!r}: not an absolute address")
        hostname = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise MalformedURL(f"{href!r}: {exc}") from None
    if not hostname:
        raise MalformedURL(f"{href!r}: no host")
    try:
        host = hostname.encode("idna").decode("ascii") if not hostname.isascii() else hostname.lower()
    except UnicodeError as exc:
        raise MalformedURL(f"{href!r}: {exc}") from None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _remove_dot_segments(_normalise_escapes(parts.path or "/"))
    query = _normalise_escapes(parts.query)
    url = urlunsplit((scheme, netloc, path, query, ""))
    return Target(url=url, fragment=unquote(parts.fragment), host=f"{host}:{port or DEFAULT_PORTS[scheme]}")


def host_key(url: str) -> str:
    """"host:port" of an already normalised URL."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or DEFAULT_PORTS.get(parts.scheme, 0)}"


def path_prefix(url: str, depth: int = 2) -> str:
    """The first ``depth`` path segments, the unit a crawl trap repeats under (``/calendar/2026``)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s][:depth]
    return f"{parts.netloc}/{'/'.join(segments)}"
