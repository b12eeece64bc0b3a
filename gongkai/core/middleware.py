"""The interface is Chinese unless the person chose another language.

Django's LocaleMiddleware follows the browser's Accept-Language header, so a
clerk whose browser happens to be set to English would get an English
workspace. Here only an explicit choice counts: the language cookie set by the
switcher at the foot of every page (``/i18n/setlang/``). The API is the
exception: its clients are programs, which say their language in the
Accept-Language header, and its answers and errors follow it."""

import re

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = _chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if _is_api(request) else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# --- Input cleaning --------------------------------------------------------------------

# C0 control characters and DEL. Nothing a person types or a form sends holds
# them, PostgreSQL refuses NUL in text outright, and in a path or a cookie any
# of them is meaningless.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# In query and form values tab and line breaks are ordinary text (a textarea).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A JSON body may spell NUL as an escape; json.loads would turn it into one.
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def bad_input(request) -> str | None:
    """Where the request carries characters no valid input holds (a short
    English name of the place), or None when it is clean."""
    if _CONTROL.search(request.path_info):
        return "path"
    for key, values in request.GET.lists():
        if _CONTROL.search(key) or any(_CONTROL_IN_TEXT.search(v) for v in values):
            return "query"
    for value in request.COOKIES.values():
        if _CONTROL.search(value):
            return "cookie"
    if _CONTROL.search(request.META.get("HTTP_AUTHORIZATION", "")):
        return "authorization"
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded") and request.method != "POST":
            # Django parses form bodies of POST only; the API's PUT/PATCH are read raw.
            if content_type == "application/x-www-form-urlencoded" and re.search(rb"%00|\x00", request.body):
                return "form"
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            for key, values in request.POST.lists():
                if _CONTROL.search(key) or any(_CONTROL_IN_TEXT.search(v) for v in values):
                    return "form"
            for upload in request.FILES.values():
                if _CONTROL.search(upload.name or ""):
                    return "form"
        elif content_type.endswith("json"):
            body = request.body
            if b"\x00" in body or _JSON_NUL.search(body):
                return "body"
    return None


class CleanInputMiddleware:
    """Refuses, with a 400 page (JSON under /api/), any request whose path,
    query, form fields, cookies or JSON body carry control characters, before
    any view, session or token lookup sees them. One layer for the whole site:
    views need not guard against NUL (which PostgreSQL refuses with an error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from gongkai.core import views

        # A body too large or malformed raises here; Django answers it with the 400 page.
        place = bad_input(request)
        if place is None:
            response = self.get_response(request)
            if response.status_code == 405 and not response.content:
                return views.method_not_allowed(request, response)
            return response
        with translation.override(_chosen_language(request)):
            return views.bad_request(request, BadInputError(place))


class BadInputError(Exception):
    """The request carried characters no valid input holds."""

    def __init__(self, place: str):
        super().__init__(place)
        self.place = place


def _is_api(request) -> bool:
    return (getattr(request, "path_info", "") or "").startswith("/api/")


def _chosen_language(request) -> str:
    """The switcher's cookie; for the API, whose clients are programs without cookies, the Accept-Language header
    too; otherwise Chinese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in {code for code, _name in settings.LANGUAGES}:
        return chosen
    if _is_api(request):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE
