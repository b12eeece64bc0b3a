"""Helpers for the Playwright journeys (the `browser` fixture is in conftest.py).

Journeys drive Debian's chromium, never a browser Playwright downloads."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "pass-for-tests-1"  # gongkai.factories.UserFactory's password


def login(browser, live_server, user, *, timeout_ms: int = 20_000):
    """A new browser context signed in as ``user``; returns its page, on the workspace home."""
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[name=password]").press("Enter")  # the page also has the language switcher's buttons
    page.wait_for_url(f"{live_server.url}/workspace/**")
    return page


CRAWL_SKIP = re.compile(
    r"logout|/media/|/static/|/i18n/|/feed/|sitemap|\.(pdf|docx|xlsx|csv|xml|zip|json)$|/download|format=|/letters/\d+/"
)


def crawl_pages(client, starts: list[str], prefixes: tuple[str, ...], limit: int, *, check: Callable) -> list[str]:
    """GETs pages breadth-first from ``starts``, following links under ``prefixes`` (never a sign-out, a download or
    a file); calls ``check(url, response)`` on each HTML page answered with 200 and returns their addresses."""
    seen, queue, checked = set(starts), list(starts), []
    while queue and len(checked) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        check(url, response)
        checked.append(url)
        for href in re.findall(r'href="([^"#]+)"', response.content.decode("utf-8", "replace")):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or CRAWL_SKIP.search(target):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(prefixes) and path not in seen:
                seen.add(path)
                queue.append(path)
    return checked
