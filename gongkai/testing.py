"""Helpers for the Playwright journeys (the `browser` fixture is in conftest.py).

Journeys drive Debian's chromium, never a browser Playwright downloads."""

from __future__ import annotations

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
