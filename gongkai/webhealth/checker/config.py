"""What one run checks and within which limits."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Config:
    """One link-checking run.

    ``start_urls`` are crawled; so is every page reached from them on ``allowed_hosts`` ("host" or "host:port";
    by default the hosts of the start URLs). Links to other hosts are checked but not followed.
    """

    start_urls: list[str]
    allowed_hosts: list[str] = field(default_factory=list)
    max_pages: int = 20_000  # pages parsed for links
    max_depth: int = 50  # link steps from a start URL
    max_connections: int = 128  # requests in flight, all hosts together
    per_host_concurrency: int = 8
    politeness_delay: float = 0.0  # seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # for the whole answer
    retries: int = 2  # further tries after a timeout, a dropped connection, 429 or 503
    backoff: float = 0.5  # seconds, doubled at each retry
    max_retry_after: float = 30.0  # a longer Retry-After is not waited for: the answer stands
    max_redirects: int = 10
    user_agent: str = "gongkai-linkcheck/1.0 (+website health check)"
    obey_robots: bool = True
    max_body_bytes: int = 2_000_000  # read and parsed from a page; the rest is not downloaded
    parse_workers: int = 0  # processes that parse pages beside the event loop; 0 parses in the loop's own
    check_fragments: bool = True  # "#anchor" links into pages of the allowed hosts
    # Crawl-trap limits: an endless calendar or a query that multiplies pages stops here and is reported.
    max_url_length: int = 2_000
    max_urls_per_prefix: int = 5_000  # distinct URLs under the first two path segments
    max_queries_per_path: int = 200  # distinct query strings on one path
    max_query_parameters: int = 12
    extra_hosts: dict[str, str] = field(default_factory=dict)  # host name -> address, before DNS (tests, intranets)
