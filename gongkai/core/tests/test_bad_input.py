"""Control characters in any input are a 400 with a message, on every URL of
the URLconf, before any view or database lookup sees them (PostgreSQL refuses
NUL in text with an error: the CI runs this file on PostgreSQL too)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from gongkai.factories import OrganFactory, UserFactory, member
from gongkai.organs.models import Role

pytestmark = pytest.mark.django_db

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
SAMPLE = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str, text: str = "x") -> str:
    """A path for a route: converters and regex groups filled with samples
    (``text`` for the textual ones)."""
    route = _GROUP.sub(text, route)
    route = _CONVERTER.sub(lambda m: SAMPLE.get(m.group(1) or "str", "x") if (m.group(1) or "str") in ("int", "uuid") else text, route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + route.lstrip("/")


def every_path(text: str = "x") -> list[str]:
    return sorted({_concrete(route, text) for route in _walk(get_resolver().url_patterns)})


@pytest.fixture
def staff(db):
    organ = OrganFactory()
    return member(organ, Role.CLERK, Role.DISCLOSURE_OFFICE, Role.WEB_ADMIN, Role.DEPARTMENT_HEAD)


@pytest.fixture(params=["anonymous", "staff", "superuser"])
def client_as(request, client, staff):
    if request.param == "staff":
        client.force_login(staff)
    elif request.param == "superuser":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _assert_bad_input(response, path):
    assert response.status_code == 400, (path, response.status_code)
    if path.startswith("/api/"):
        assert response.json()["code"] == "bad_input", path
    else:
        assert "不允许".encode() in response.content, path


def test_the_walk_covers_the_urlconf():
    paths = every_path()
    assert len(paths) > 100
    assert "/apply/case/x/" in paths or any(p.startswith("/apply/case/") for p in paths)


def test_nul_in_any_query_parameter_is_a_400_everywhere(client_as):
    for path in every_path():
        response = client_as.get(path, {"q": "a\x00b", "topic": "a\x00b", "organ": "1", "page": "2"})
        _assert_bad_input(response, path)


def test_nul_in_any_path_is_a_400_everywhere(client_as):
    for path in every_path("x\x00y"):
        if "\x00" not in path:
            path += "\x00"
        _assert_bad_input(client_as.get(path), path)


def test_nul_in_any_form_field_is_a_400_everywhere(client_as):
    for path in every_path():
        response = client_as.post(path, {"title": "a\x00b", "name": "ok"})
        _assert_bad_input(response, path)


def test_other_control_characters_and_json_nul(client):
    assert client.get("/", {"q": "a\x07b"}).status_code == 400
    assert client.get("/%1b[31m/").status_code == 400
    response = client.post("/api/oa/items/", data='{"title": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_input"
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


def test_line_breaks_and_tabs_in_text_pass(client):
    assert client.get("/search/", {"q": "生态\t环境\r\n"}).status_code == 200


def test_the_named_urls_of_the_report(client, staff):
    response = client.get("/api/items/", {"topic": "a\x00b"})
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "NUL" in response.json()["detail"]
    client.force_login(staff)
    assert client.get("/workspace/items/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/apply/case/x\x00y/").status_code == 400


def test_the_message_follows_the_interface_language(client):
    response = client.get("/", {"q": "a\x00b"})
    assert "不允许" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.get("/", {"q": "a\x00b"})
    assert "not allowed" in response.content.decode()


JUNK = {key: "abc" for key in ("page", "organ", "year", "topic", "category", "q", "a", "b", "format", "order", "state",
                                "validity", "chart", "month", "kind", "status", "department", "per_page", "due", "sort")}
HUGE = {key: "99999999999999999999" for key in JUNK}


def test_non_numeric_and_huge_parameters_never_give_a_server_error(client_as):
    for path in every_path():
        if path == "/readyz":  # its 503 is the answer "a dependency is not ready", not a failure of its own
            continue
        for params in (JUNK, HUGE):
            response = client_as.get(path, params)
            assert response.status_code < 500, (path, params["page"], response.status_code)


def test_non_numeric_organ_on_the_statistics_dashboard_is_a_400(client, staff):
    client.force_login(staff)
    response = client.get("/workspace/reports/statistics/", {"organ": "abc"})
    assert response.status_code == 400
    assert "机关" in response.content.decode()


def test_a_body_too_large_or_malformed_is_a_400_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert client.post("/search/", {"q": "x" * 1000}).status_code == 400
    response = client.post("/api/oa/items/", data="x" * 1000, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    broken = client.post("/apply/case/", data=b"--zz\r\nbroken", content_type="multipart/form-data; boundary=zz")
    assert broken.status_code < 500
