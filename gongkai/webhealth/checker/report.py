"""What a run found: one Result per checked address, with the pages that link to it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class ErrorKind(enum.StrEnum):
    DNS = "dns"
    CONNECT = "connect"
    TLS = "tls"
    TIMEOUT = "timeout"
    HTTP_4XX = "http-4xx"
    HTTP_5XX = "http-5xx"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    REDIRECT_LOOP = "redirect-loop"
    SOFT_404 = "soft-404"
    BAD_FRAGMENT = "bad-fragment"
    MALFORMED_URL = "malformed-url"
    OTHER = "other"


class SkipReason(enum.StrEnum):
    """Why an address was not fetched — not a broken link, but reported so nothing disappears silently."""

    ROBOTS = "robots"
    CRAWL_TRAP = "crawl-trap"
    URL_TOO_LONG = "url-too-long"


class Referrer(NamedTuple):
    """A page that links to an address, with the link's text (or alt text) and its tag.
    A tuple: a run makes one for every link on every page."""

    page: str
    text: str
    tag: str


@dataclass(slots=True)
class Result:
    url: str  # normalised; with "#fragment" only for a bad-fragment result
    status: int | None = None
    final_url: str = ""
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, Location) of every hop
    error: ErrorKind | None = None
    detail: str = ""
    skipped: SkipReason | None = None
    referrers: list[Referrer] = field(default_factory=list)
    content_type: str = ""
    attempts: int = 0
    elapsed: float = 0.0

    @property
    def broken(self) -> bool:
        return self.error is not None


@dataclass(slots=True)
class Report:
    results: dict[str, Result] = field(default_factory=dict, repr=False)  # asyncio reprs a finished task's result
    pages_crawled: int = 0
    links_found: int = 0  # every link on every crawled page, before de-duplication
    requests: int = 0
    elapsed: float = 0.0
    done: int = 0  # addresses whose check has ended (answered, failed, malformed or skipped): progress while running

    @property
    def broken(self) -> list[Result]:
        return sorted((r for r in self.results.values() if r.error is not None), key=lambda r: r.url)

    @property
    def skipped(self) -> list[Result]:
        return sorted((r for r in self.results.values() if r.skipped is not None), key=lambda r: r.url)

    @property
    def checked(self) -> int:
        return sum(1 for r in self.results.values() if r.skipped is None and "#" not in r.url)
