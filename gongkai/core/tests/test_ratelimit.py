"""The one rate-limit mechanism: rates, the client address rule, counting in the cache, the 429 page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from gongkai.core import ratelimit
from gongkai.env import Rate, parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/h", Rate(10, 3600)), ("5/15min", Rate(5, 900)), ("60/min", Rate(60, 60)), ("3/s", Rate(3, 1)), ("100/d", Rate(100, 86400))],
)
def test_rates_are_read_as_count_per_period(text, rate):
    assert parse_rate(text) == rate


def test_off_turns_a_limit_off():
    assert parse_rate("off") is None


@pytest.mark.parametrize("text", ["ten/h", "10/fortnight", "10", "0/h"])
def test_a_malformed_rate_stops_with_a_message(text):
    with pytest.raises(ImproperlyConfigured, match="count/period"):
        parse_rate(text)


def test_an_unknown_limit_name_stops_with_a_message():
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMITS"):
        ratelimit.hit(RequestFactory().get("/"), "no-such-limit")


def test_without_proxies_the_client_is_remote_addr_whatever_it_claims(settings):
    settings.NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "203.0.113.9"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.NUM_PROXIES = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert ratelimit.client_ip(request) == "198.51.100.7"  # 1.2.3.4 was typed by the visitor: not trusted


def test_a_limit_refuses_beyond_its_count_and_says_how_long_to_wait(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/min"}
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    results = [ratelimit.hit(request, "search") for _ in range(3)]
    assert results[:2] == [None, None]
    assert results[2].name == "search" and 1 <= results[2].retry_after <= 60


def test_each_address_has_its_own_count(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/min"}
    factory = RequestFactory()
    assert ratelimit.hit(factory.get("/", REMOTE_ADDR="203.0.113.9"), "search") is None
    assert ratelimit.hit(factory.get("/", REMOTE_ADDR="203.0.113.10"), "search") is None
    assert ratelimit.hit(factory.get("/", REMOTE_ADDR="203.0.113.9"), "search") is not None


def test_a_limit_set_to_off_never_refuses(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "off"}
    request = RequestFactory().get("/")
    assert all(ratelimit.hit(request, "search") is None for _ in range(200))


def test_check_does_not_count(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "case_login": "1/min"}
    request = RequestFactory().post("/")
    assert [ratelimit.check(request, "case_login") for _ in range(5)] == [None] * 5
    ratelimit.hit(request, "case_login")
    assert ratelimit.check(request, "case_login") is not None


def test_a_malformed_limit_in_the_environment_stops_the_process_naming_it(monkeypatch):
    import importlib

    import gongkai.settings as settings_module

    monkeypatch.setenv("RATE_LIMIT_APPLY", "10 per hour")
    try:
        with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_APPLY"):
            importlib.reload(settings_module)
    finally:
        monkeypatch.delenv("RATE_LIMIT_APPLY")
        importlib.reload(settings_module)


def test_limits_are_read_from_the_environment(monkeypatch):
    import importlib

    import gongkai.settings as settings_module

    monkeypatch.setenv("RATE_LIMIT_SEARCH", "7/min")
    try:
        assert importlib.reload(settings_module).RATE_LIMITS["search"] == "7/min"
    finally:
        monkeypatch.delenv("RATE_LIMIT_SEARCH")
        importlib.reload(settings_module)


def test_the_refusal_page_is_chinese_with_the_time_to_wait(db, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/min"}
    client.get("/search/?q=a")
    response = client.get("/search/?q=a")
    page = response.content.decode()
    assert response.status_code == 429 and 1 <= int(response["Retry-After"]) <= 60
    assert "请求过于频繁" in page and "分钟后" in page and 'class="site-header"' in page
    assert "Too many" not in page


def test_the_refusal_page_is_english_in_the_english_interface(db, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/min"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/search/?q=a")
    page = client.get("/search/?q=a").content.decode()
    assert "Too many requests" in page and "Please try again after" in page and "请求过于频繁" not in page
