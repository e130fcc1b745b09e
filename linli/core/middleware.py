from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from linli.core.error_views import api_error, bad_request_answer, is_api
from linli.core.errors import DomainError, NotFound


class DomainErrorMiddleware:
    """Turns a domain error raised under a page view into the page's answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        if isinstance(exception, DomainError):
            return render(request, "core/error.html",
                          {"error": exception}, status=exception.status)
        return None


class ChosenLanguageMiddleware:
    """Chinese unless the user chose otherwise (the language cookie set by /i18n/setlang/).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a clerk's
    browser set to English must still see the Chinese interface unless they switch.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ResponseHeadersMiddleware:
    """Permissions-Policy on every response, and ``Cache-Control: no-store`` on every
    response but static files.

    no-store everywhere rather than "where there is personal data": nearly every page and
    API answer carries names, addresses or identity numbers under someone's scope, and a
    list that does not today will tomorrow. A shared office computer or a proxy must keep
    none of it. The visit page's offline copy is unaffected: its service worker stores the
    page in the Cache API, which no-store does not govern.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        static = request.path_info.startswith(settings.STATIC_URL)
        if not static and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response


class ApiErrorShapeMiddleware:
    """Under /api/, an error answered as anything but JSON becomes the API's error shape.

    The error views cover what Django raises; this covers answers made without an
    exception (ninja's plain-text 405, any HttpResponseBadRequest), so a client parsing
    ``{"error": …}`` never meets an HTML or text body whatever produced the error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code >= 400 and is_api(request) and not response.streaming
                and not response.headers.get("Content-Type", "").startswith("application/json")):
            shaped = api_error(response.status_code)
            response.content = shaped.content
            response.headers["Content-Type"] = shaped.headers["Content-Type"]
        return response


class NulRefusalMiddleware:
    """Refuse a request whose query string or text body carries a NUL character.

    PostgreSQL cannot store or even compare text holding NUL (a DataError, a 500 where the
    filter or the field is reached), while SQLite takes it silently. Page forms refuse it
    field by field (Django's ProhibitNullCharactersValidator), but query filters and the
    API's JSON reach the database without a form. Multipart bodies are left to the form:
    an uploaded file may hold any byte.
    """

    TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return bad_request_answer(request, _("请求中含有空字符(\\0),请检查后重试"))
        return self.get_response(request)

    def _carries_nul(self, request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return True
        if request.content_type.startswith(self.TEXT_BODIES) and request.method != "GET":
            body = request.body
            return b"\x00" in body or b"%00" in body or b"\\u0000" in body
        return False
