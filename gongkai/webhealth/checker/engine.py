"""The crawl and the check: every page of the allowed hosts is read, every link on it is checked once.

Each distinct address (normalised, fragment apart) becomes one task; tasks share one connection pool, a limit of
requests in flight and a limit per host. Pages of the allowed hosts are fetched with GET and parsed; links to other
hosts are checked with GET when they look like pages (to see soft 404s) and with HEAD when they are images,
scripts, styles or files, falling back to GET on 405 or 501.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections import defaultdict
from concurrent.futures import Executor, ProcessPoolExecutor
from urllib.parse import parse_qsl, urlsplit
from urllib.robotparser import RobotFileParser

import aiohttp

from . import html
from .config import Config
from .fetch import Answer, Fetcher, StaticResolver
from .report import ErrorKind, Referrer, Report, Result, SkipReason
from .soft404 import is_soft_404
from .urls import MalformedURL, normalise, path_prefix

logger = logging.getLogger(__name__)

ASSET_SUFFIXES = (
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".woff", ".woff2", ".ttf",
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".gz", ".mp3", ".mp4",
    ".avi", ".wps", ".ofd", ".txt", ".csv", ".xml", ".json",
)
IGNORED_FRAGMENTS = ("", "top")


def _host_keys(hosts: list[str], start_urls: list[str]) -> set[str]:
    """"host:port" for a host given with its port or taken from a start URL, "host:*" for a bare host name."""
    keys = set()
    for host in hosts:
        target = normalise(f"http://{host}/")
        if target is not None:
            has_port = host.rsplit("]", 1)[-1].count(":") == 1
            keys.add(target.host if has_port else f"{target.host.rpartition(':')[0]}:*")
    if not hosts:
        for url in start_urls:
            target = normalise(url)
            if target is not None:
                keys.add(target.host)
    return keys


def _parse(markup: str, links: bool) -> html.Page:
    return html.parse(markup, links=links)


class Crawl:
    def __init__(self, config: Config, fetcher: Fetcher, parsers: Executor | None = None,
                 report: Report | None = None) -> None:
        self.config = config
        self.parsers = parsers
        self.fetcher = fetcher
        self.report = report if report is not None else Report()
        self.allowed = _host_keys(config.allowed_hosts, config.start_urls)
        self.allowed_cache: dict[str, bool] = {}
        self.anchors: dict[str, set[str]] = {}
        self.parsed: set[str] = set()
        self.page_facts: dict[str, tuple[set[str], str]] = {}  # final address -> anchors, soft-404 reason
        self.fragment_links: dict[tuple[str, str], list[Referrer]] = defaultdict(list)
        self.robots: dict[str, asyncio.Future[RobotFileParser | None]] = {}
        self.per_prefix: dict[str, int] = defaultdict(int)
        self.queries: dict[str, set[str]] = defaultdict(set)
        self.pending = 0
        self.idle = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()

    def is_allowed(self, key: str) -> bool:
        allowed = self.allowed_cache.get(key)
        if allowed is None:
            allowed = self.allowed_cache[key] = key in self.allowed or f"{key.rpartition(':')[0]}:*" in self.allowed
        return allowed

    # -- discovering -------------------------------------------------------------------------------------------
    def add(self, href: str, *, base: str, depth: int, referrer: Referrer | None, tag: str = "a") -> None:
        results = self.report.results
        try:
            target = normalise(href, base)
        except MalformedURL as exc:
            result = results.get(href)
            if result is None:
                result = results[href] = Result(url=href, error=ErrorKind.MALFORMED_URL, detail=str(exc))
                self.report.done += 1
            if referrer:
                result.referrers.append(referrer)
            return
        if target is None:
            return
        url = target.url
        allowed = self.is_allowed(target.host)
        if (
            target.fragment not in IGNORED_FRAGMENTS
            and not target.fragment.startswith(("!", "/"))
            and self.config.check_fragments
            and allowed
            and referrer is not None
        ):
            self.fragment_links[(url, target.fragment)].append(referrer)
        result = results.get(url)
        if result is not None:
            if referrer:
                result.referrers.append(referrer)
            return
        result = results[url] = Result(url=url)
        if referrer:
            result.referrers.append(referrer)
        trap = self._trap(url) if allowed else None
        if trap:
            result.skipped, result.detail = trap
            self.report.done += 1
            return
        page_like = tag in html.PAGE_TAGS and not urlsplit(url).path.lower().endswith(ASSET_SUFFIXES)
        method = "GET" if allowed or page_like else "HEAD"
        self._spawn(self.check(result, target.host, depth, method, allowed))

    def _trap(self, url: str) -> tuple[SkipReason, str] | None:
        config = self.config
        if len(url) > config.max_url_length:
            return SkipReason.URL_TOO_LONG, f"{len(url)} characters"
        prefix = path_prefix(url)
        self.per_prefix[prefix] += 1
        if self.per_prefix[prefix] > config.max_urls_per_prefix:
            return SkipReason.CRAWL_TRAP, f"more than {config.max_urls_per_prefix} addresses under {prefix}"
        parts = urlsplit(url)
        if parts.query:
            if len(parse_qsl(parts.query, keep_blank_values=True)) > config.max_query_parameters:
                return SkipReason.CRAWL_TRAP, "too many query parameters"
            seen = self.queries[parts.netloc + parts.path]
            seen.add(parts.query)
            if len(seen) > config.max_queries_per_path:
                return SkipReason.CRAWL_TRAP, f"more than {config.max_queries_per_path} queries on {parts.path}"
        return None

    def _spawn(self, coroutine) -> None:
        self.pending += 1
        self.idle.clear()
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self.pending -= 1
        if not task.cancelled() and task.exception() is not None:
            logger.error("link check failed", exc_info=task.exception())
        if self.pending == 0:
            self.idle.set()

    # -- checking ----------------------------------------------------------------------------------------------
    async def check(self, result: Result, key: str, depth: int, method: str, allowed: bool) -> None:
        started = time.monotonic()
        try:
            await self._check(result, key, depth, method, allowed)
        except Exception as exc:  # a surprise on one address is reported on it; the run goes on
            logger.exception("checking %s", result.url)
            result.error, result.detail = ErrorKind.OTHER, f"{type(exc).__name__}: {exc}"
        result.elapsed = time.monotonic() - started
        self.report.done += 1

    async def _check(self, result: Result, key: str, depth: int, method: str, allowed: bool) -> None:
        config = self.config
        if config.obey_robots and not await self._robots_allow(result.url, key):
            result.skipped, result.detail = SkipReason.ROBOTS, "disallowed by robots.txt"
            return
        url, seen = result.url, {result.url}
        while True:
            answer = await self.fetcher.fetch(method, url, key)
            if method == "HEAD" and answer.status in (405, 501):
                method = "GET"
                answer = await self.fetcher.fetch(method, url, key, read="none")
            result.attempts += answer.attempts
            if answer.error is not None or answer.status is None or not (300 <= answer.status < 400 and answer.location):
                break
            try:
                following = normalise(answer.location, url)
            except MalformedURL as exc:
                result.error, result.detail = ErrorKind.MALFORMED_URL, f"redirect to {exc}"
                return
            if following is None:
                break  # a redirect to mailto: or the like: the chain ends there, answered
            result.redirects.append((answer.status, following.url))
            if following.url in seen:
                result.error, result.detail = ErrorKind.REDIRECT_LOOP, f"back to {following.url}"
                result.status, result.final_url = answer.status, following.url
                return
            if len(result.redirects) > config.max_redirects:
                result.error, result.detail = ErrorKind.TOO_MANY_REDIRECTS, f"more than {config.max_redirects}"
                result.status, result.final_url = answer.status, following.url
                return
            seen.add(following.url)
            url, key = following.url, following.host
        result.status, result.final_url, result.content_type = answer.status, url, answer.content_type
        if answer.error is not None:
            result.error, result.detail = answer.error, answer.detail
            return
        status = answer.status or 0
        if 400 <= status < 500:
            result.error = ErrorKind.HTTP_4XX
        elif status >= 500:
            result.error = ErrorKind.HTTP_5XX
        elif status == 200 and answer.body is not None:
            await self._read_page(result, answer, depth, final_allowed=self.is_allowed(key))

    async def _read_page(self, result: Result, answer: Answer, depth: int, *, final_allowed: bool) -> None:
        known = self.page_facts.get(result.final_url)
        if known is not None:  # the page a redirect lands on, already read: its links are already followed
            anchors, reason = known
            if reason:
                result.error, result.detail = ErrorKind.SOFT_404, reason
            elif final_allowed:
                self.anchors[result.url] = anchors
            return
        body = answer.body or b""
        try:
            markup = body.decode(answer.encoding, errors="replace")
        except LookupError:
            markup = body.decode("utf-8", errors="replace")
        if not body:
            page = None
        elif self.parsers is not None:
            page = await asyncio.get_running_loop().run_in_executor(self.parsers, _parse, markup, final_allowed)
        else:
            page = html.parse(markup, links=final_allowed)
        reason = is_soft_404(page, len(body))
        self.page_facts[result.final_url] = (page.anchors if page else set(), reason)
        if reason:
            result.error, result.detail = ErrorKind.SOFT_404, reason
            return
        if page is None or not final_allowed:
            return
        self.anchors[result.url] = page.anchors
        report = self.report
        if depth > self.config.max_depth or report.pages_crawled >= self.config.max_pages:
            return
        if result.final_url in self.parsed:
            return  # reached again through a redirect
        self.parsed.add(result.final_url)
        report.pages_crawled += 1
        base = page.base or result.final_url
        if page.base:
            try:
                base = (normalise(page.base, result.final_url) or normalise(result.final_url)).url  # type: ignore[union-attr]
            except MalformedURL:
                base = result.final_url
        report.links_found += len(page.links)
        for link in page.links:
            self.add(link.href, base=base, depth=depth + 1, referrer=Referrer(result.final_url, link.text, link.tag), tag=link.tag)

    async def _robots_allow(self, url: str, key: str) -> bool:
        future = self.robots.get(key)
        if future is None:
            future = self.robots[key] = asyncio.get_running_loop().create_future()
            future.set_result(await self._load_robots(url, key))
        rules = await future
        return rules is None or rules.can_fetch(self.config.user_agent, url)

    async def _load_robots(self, url: str, key: str) -> RobotFileParser | None:
        parts = urlsplit(url)
        answer = await self.fetcher.fetch("GET", f"{parts.scheme}://{parts.netloc}/robots.txt", key, read="all")
        if answer.status != 200 or answer.body is None:
            return None  # no robots.txt, or none we can read: everything may be fetched
        rules = RobotFileParser()
        rules.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        return rules

    # -- after the crawl ---------------------------------------------------------------------------------------
    def check_fragments(self) -> None:
        results = self.report.results
        for (url, fragment), referrers in self.fragment_links.items():
            anchors = self.anchors.get(url)
            target = results.get(url)
            if anchors is None or target is None or target.error is not None or fragment in anchors:
                continue
            results[f"{url}#{fragment}"] = Result(
                url=f"{url}#{fragment}", status=target.status, final_url=target.final_url,
                error=ErrorKind.BAD_FRAGMENT, detail=f"no id or name {fragment!r} in the page", referrers=referrers,
            )


async def crawl(config: Config, report: Report | None = None) -> Report:
    """Crawl and check; ``report``, when given, is filled as the run goes, so another thread can read its progress
    (``pages_crawled``, ``done`` of ``len(results)``) meanwhile."""
    started = time.monotonic()
    connector = aiohttp.TCPConnector(
        limit=config.max_connections,
        limit_per_host=config.per_host_concurrency,
        ttl_dns_cache=300,
        resolver=StaticResolver(config.extra_hosts) if config.extra_hosts else None,
    )
    # Parsing is the largest share of the CPU a crawl needs; worker processes take it off the event loop's core.
    parsers = (
        ProcessPoolExecutor(config.parse_workers, mp_context=multiprocessing.get_context("spawn"))
        if config.parse_workers
        else None
    )
    try:
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session:
            fetcher = Fetcher(config, session)
            run = Crawl(config, fetcher, parsers, report)
            for url in config.start_urls:
                run.add(url, base="", depth=0, referrer=None)
            if run.pending:
                await run.idle.wait()
            run.check_fragments()
    finally:
        if parsers is not None:
            parsers.shutdown(wait=True)
    run.report.requests = fetcher.requests
    run.report.elapsed = time.monotonic() - started
    return run.report


def run(config: Config) -> Report:
    """Crawl and check as ``config`` says; returns when every address has an answer or was skipped."""
    return asyncio.run(crawl(config))
