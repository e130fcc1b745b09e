from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

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
