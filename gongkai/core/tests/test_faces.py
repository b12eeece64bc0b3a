import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from gongkai.core.errors import DomainError, NotAllowed
from gongkai.core.faces import domain_errors, safe_next


def _request(method="post", data=None, referer=None):
    factory = RequestFactory()
    extra = {"HTTP_REFERER": referer} if referer else {}
    request = getattr(factory, method)("/workspace/x/", data or {}, **extra)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http://testserver.evil/x", ""],
)
def test_safe_next_refuses_other_sites(target):
    assert safe_next(_request(data={"next": target}), "/default/") == "/default/"


def test_safe_next_keeps_a_local_path_under_the_prefix():
    assert safe_next(_request(data={"next": "/workspace/items/3/"}), "/d/", prefix="/workspace/") == "/workspace/items/3/"
    assert safe_next(_request(data={"next": "/admin/"}), "/d/", prefix="/workspace/") == "/d/"


def test_safe_next_reads_the_referer_only_when_asked():
    request = _request(referer="http://testserver/workspace/a/")
    assert safe_next(request, "/d/") == "/d/"
    assert safe_next(request, "/d/", referer=True) == "/workspace/a/"
    assert safe_next(_request(referer="http://evil.example/workspace/a/"), "/d/", referer=True) == "/d/"


def test_domain_errors_maps_refusal_to_403_and_rule_to_redirect():
    @domain_errors("/workspace/")
    def refused(request):
        raise NotAllowed("no")

    @domain_errors("/workspace/", prefix="/workspace/")
    def invalid(request):
        raise DomainError("bad")

    @domain_errors("/workspace/")
    def fine(request):
        return HttpResponse("ok")

    with pytest.raises(PermissionDenied):
        refused(_request())
    response = invalid(_request(data={"next": "https://evil.example/"}))
    assert response.status_code == 302 and response.url == "/workspace/"
    response = invalid(_request(data={"next": "/workspace/items/1/"}))
    assert response.url == "/workspace/items/1/"
    assert fine(_request()).content == b"ok"
