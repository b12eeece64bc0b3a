"""Error pages and error answers for the whole site.

Every 400/403/404/405/500 and a failed CSRF check is a page in the site's
layout saying what happened and what to do next, in the interface language;
under /api/ the same errors are JSON (``{"detail": …, "code": …}``), like the
API's own errors (``gongkai.api.exceptions``). The 500 page renders without
the database and without context processors, which may be what failed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return (getattr(request, "path_info", "") or "").startswith(API_PREFIX)


def _answer(request, template: str, status: int, code: str, detail: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False})
    body = loader.render_to_string(template, {"detail": detail, "status": status}, request=request)
    return HttpResponse(body, status=status)


def _message(exception: BaseException, allowed: tuple[type, ...]) -> str:
    """The message a view gave its refusal (translated text written for the
    user), for the exception types that carry such messages."""
    if isinstance(exception, allowed) and exception.args and isinstance(exception.args[0], str):
        return exception.args[0]
    return ""


def bad_request(request, exception=None, template_name: str = "400.html") -> HttpResponse:
    from gongkai.core.middleware import BadInputError

    if isinstance(exception, BadInputError):
        detail = _(
            "The address or the form contains characters that are not allowed (such as a NUL byte or other control "
            "characters). Correct the address or the text you entered and try again."
        )
        code = "bad_input"
    else:
        detail = _message(exception, (BadRequest,)) or _("The request could not be understood.")
        code = "bad_request"
    return _answer(request, template_name, 400, code, detail)


def permission_denied(request, exception=None, template_name: str = "403.html") -> HttpResponse:
    detail = _message(exception, (PermissionDenied,)) or _("You may not see this page.")
    return _answer(request, template_name, 403, "forbidden", detail)


def page_not_found(request, exception=None, template_name: str = "404.html") -> HttpResponse:
    return _answer(request, template_name, 404, "not_found", _("There is no page at this address."))


def method_not_allowed(request, response: HttpResponse) -> HttpResponse:
    """Replaces Django's empty 405 with a page (or JSON), keeping its Allow header."""
    answer = _answer(request, "405.html", 405, "method_not_allowed", _("This address does not accept this kind of request."))
    if response.has_header("Allow"):
        answer["Allow"] = response["Allow"]
    return answer


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    detail = _("Something went wrong on our side. Please try again in a few minutes.")
    if is_api(request):
        return JsonResponse({"detail": detail, "code": "server_error"}, status=500, json_dumps_params={"ensure_ascii": False})
    # No request context: context processors may read the cache or the database, which may be what failed.
    body = loader.get_template(template_name).render({"detail": detail, "SITE_NAME": settings.SITE_NAME})
    return HttpResponse(body, status=500)


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html") -> HttpResponse:
    detail = _("The form could not be accepted because it has expired or this browser does not keep the site's cookies.")
    return _answer(request, template_name, 403, "csrf_failed", detail)
