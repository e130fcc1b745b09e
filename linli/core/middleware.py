from django.http import Http404
from django.shortcuts import render

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
