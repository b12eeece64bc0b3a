"""With DEBUG off every error is a page in the site's layout, in the
interface language, saying what to do next."""

from __future__ import annotations

import pytest
from django.test import Client

from gongkai.factories import UserFactory

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'class="site-header"' in page and 'class="error-page"' in page  # the site's layout
    return page


def test_404_in_chinese_and_english(client):
    page = _page(client.get("/no-such-organ/no/such/page/"))
    assert "页面没有找到" in page and "返回首页" in page and "搜索政府信息" in page
    client.cookies["django_language"] = "en"
    page = _page(client.get("/no-such-organ/no/such/page/"))
    assert "Page not found" in page and "Go to the home page" in page


def test_403_says_who_may_and_what_to_do(client):
    client.force_login(UserFactory())
    response = client.get("/workspace/reports/import/")
    assert response.status_code == 403
    page = _page(response)
    assert "无权访问" in page and "公开办公室" in page


def test_400_names_the_problem(client):
    response = client.get("/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "不允许的字符" in _page(response)


def test_405_is_a_page(client):
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert "此处不能进行该操作" in _page(response)
    assert "POST" in response["Allow"]


def test_csrf_failure_is_a_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/apply/case/", {"tracking_number": "x", "secret": "y"})
    assert response.status_code == 403
    assert "表单已失效" in _page(response)


def test_500_renders_without_database_or_context_processors(client, monkeypatch, django_assert_num_queries):
    from django.test import RequestFactory

    from gongkai.core import views

    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器错误" in page and "请稍等几分钟后重试" in page and 'class="site-header"' in page


def test_an_exception_in_a_view_gives_the_500_page(client, monkeypatch):
    from gongkai.applications.views import public as views_public

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views_public, "render", broken)
    client.raise_request_exception = False
    response = client.get("/apply/")
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()
