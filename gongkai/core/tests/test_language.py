import pytest

pytestmark = pytest.mark.django_db


def test_the_interface_is_chinese_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_a_person_who_chooses_english_gets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert "Sign in" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"
    assert "登录" in client.get("/accounts/login/").content.decode()


def test_the_api_answers_in_the_language_its_client_asks_for(client):
    english = client.get("/api/items/999999/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    chinese = client.get("/api/items/999999/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    unstated = client.get("/api/items/999999/")
    assert english.status_code == chinese.status_code == unstated.status_code == 404
    assert english.json() == {"detail": "Not found.", "code": "not_found"}
    assert chinese.json()["detail"] == unstated.json()["detail"] == "未找到。"
    assert "Accept-Language" in english["Vary"]
    refused = client.post("/api/oa/items/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401 and refused.json()["detail"].startswith("Authentication credentials")


def test_the_api_follows_the_language_switcher_too(client):
    client.cookies["django_language"] = "en"
    assert client.get("/api/items/999999/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["detail"] == "Not found."
