"""One request as the checker makes it: per-host limits, politeness, retries with backoff, Retry-After.

Redirects are not followed here (the engine follows them, to record the chain and find loops).
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import socket
import ssl
import time
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from .config import Config
from .report import ErrorKind

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


@dataclass(slots=True)
class Answer:
    status: int | None = None
    location: str = ""
    content_type: str = ""
    body: bytes | None = None  # read only for HTML answers to GET, up to max_body_bytes
    encoding: str = ""
    retry_after: str = ""
    error: ErrorKind | None = None
    detail: str = ""
    attempts: int = 0


class _Host:
    """Concurrency and politeness for one host:port."""

    __slots__ = ("slots", "lock", "next_start")

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.lock = asyncio.Lock()
        self.next_start = 0.0


class StaticResolver(AbstractResolver):
    """Answers the configured host names itself and asks the system for the others."""

    def __init__(self, hosts: dict[str, str]) -> None:
        self.hosts = hosts
        self.fallback = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):  # type: ignore[override]
        address = self.hosts.get(host)
        if address is None:
            return await self.fallback.resolve(host, port, family)
        return [{"hostname": host, "host": address, "port": port, "family": socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        await self.fallback.close()


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def classify(exc: BaseException) -> tuple[ErrorKind, str]:
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return ErrorKind.TIMEOUT, "no answer in time"
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", None)
    if (dns_error and isinstance(exc, dns_error)) or (
        isinstance(exc, aiohttp.ClientConnectorError) and isinstance(exc.os_error, socket.gaierror)
    ):
        return ErrorKind.DNS, str(exc)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError | ssl.SSLError):
        return ErrorKind.TLS, str(exc)
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ServerDisconnectedError | ConnectionError | OSError):
        return ErrorKind.CONNECT, str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.TooManyRedirects):
        return ErrorKind.TOO_MANY_REDIRECTS, str(exc)
    return ErrorKind.OTHER, f"{type(exc).__name__}: {exc}"


def _encoding(content_type_header: str, body: bytes) -> str:
    declared = re.search(r"charset=([\w-]+)", content_type_header, re.IGNORECASE)
    if declared:
        return declared.group(1)
    meta = _CHARSET.search(body[:2048])
    return meta.group(1).decode("ascii") if meta else "utf-8"


class Fetcher:
    def __init__(self, config: Config, session: aiohttp.ClientSession) -> None:
        self.config = config
        self.session = session
        self.hosts: dict[str, _Host] = {}
        self.in_flight = asyncio.Semaphore(config.max_connections)
        self.requests = 0
        self.timeout = aiohttp.ClientTimeout(total=config.read_timeout, sock_connect=config.connect_timeout)
        self.headers = {"User-Agent": config.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}

    async def _wait_turn(self, host: _Host) -> None:
        delay = self.config.politeness_delay
        if delay <= 0:
            return
        async with host.lock:
            now = time.monotonic()
            if host.next_start > now:
                await asyncio.sleep(host.next_start - now)
            host.next_start = time.monotonic() + delay

    async def fetch(self, method: str, url: str, host_key: str, *, read: str = "html") -> Answer:
        """One address, retried on timeouts, dropped connections, 429 and 503 (honouring Retry-After).
        ``read`` says which answers to GET have their body read: "html", "all" or "none"."""
        config = self.config
        host = self.hosts.get(host_key)
        if host is None:
            host = self.hosts[host_key] = _Host(config.per_host_concurrency)
        answer = Answer()
        for attempt in range(config.retries + 1):
            answer = Answer(attempts=attempt + 1)
            wait = config.backoff * (2**attempt)
            async with host.slots, self.in_flight:
                await self._wait_turn(host)
                self.requests += 1
                try:
                    await self._request(method, url, answer, read)
                except Exception as exc:  # every failure of one address is a finding, never the end of a run
                    answer.error, answer.detail = classify(exc)
            if answer.error is None and answer.status in (429, 503):
                asked = retry_after(answer.retry_after)
                wait = asked if asked is not None else wait
                if wait > config.max_retry_after:
                    return answer
            elif answer.error not in (ErrorKind.TIMEOUT, ErrorKind.CONNECT):
                return answer
            if attempt < config.retries:
                await asyncio.sleep(wait)
        return answer

    async def _request(self, method: str, url: str, answer: Answer, read: str) -> None:
        async with self.session.request(
            method, URL(url, encoded=True), allow_redirects=False, headers=self.headers, timeout=self.timeout
        ) as response:
            answer.status = response.status
            answer.location = response.headers.get("Location", "")
            answer.retry_after = response.headers.get("Retry-After", "")
            content_type = response.headers.get("Content-Type", "")
            answer.content_type = content_type.split(";")[0].strip().lower()
            if method == "GET" and response.status == 200 and (read == "all" or (read == "html" and "html" in answer.content_type)):
                limit = self.config.max_body_bytes
                chunks: list[bytes] = []
                size = 0
                while size < limit:
                    chunk = await response.content.read(limit - size)
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                body = answer.body = b"".join(chunks)
                answer.encoding = _encoding(content_type, body)
