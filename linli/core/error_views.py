"""The platform's answers to failures that Django handles before, or instead of, a view:
a failed CSRF check, a bad or oversized request, 403, 404 and 500.

Under /api/ each answers the API's one JSON error shape ``{"error": {code, message,
details}}`` (a client parsing errors never meets an HTML page); elsewhere a Chinese page in
the platform's layout. Django's defaults are English pages in its own layout.
"""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.api_support import error_body

API_PREFIX = "/api/"

# The code and Chinese message of each status an error view or a non-JSON API error answers.
STATUS_ERRORS = {
    400: ("bad_request", gettext_lazy("请求有误,无法处理")),
    401: ("unauthenticated", gettext_lazy("请先登录或提供有效的访问令牌")),
    403: ("forbidden", gettext_lazy("您没有执行此操作的权限")),
    404: ("not_found", gettext_lazy("未找到该记录,或您无权访问")),
    405: ("method_not_allowed", gettext_lazy("不支持该请求方法")),
    413: ("too_large", gettext_lazy("请求内容过大")),
    429: ("too_many_requests", gettext_lazy("请求过于频繁,请稍后再试")),
    500: ("server_error", gettext_lazy("系统出现错误,请稍后重试")),
}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, code: str | None = None, message: str | None = None,
              details=None) -> HttpResponse:
    """The API's error shape as a response; code and message default to the status's."""
    default_code, default_message = (STATUS_ERRORS.get(status)
                                     or STATUS_ERRORS[500 if status >= 500 else 400])
    body = error_body(code or default_code, message or default_message, details)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")


def _answer(request, status: int, template: str, *, code: str | None = None,
            message: str | None = None, details=None) -> HttpResponse:
    if is_api(request):
        return api_error(status, code, message, details)
    context = {"message": message or STATUS_ERRORS[status][1], "status": status}
    return render(request, template, context, status=status)


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. Django's reason is for the log (it already logged it), not the user."""
    return _answer(request, 403, "403_csrf.html", code="csrf_failed",
                   message=_("页面已过期或安全校验未通过(CSRF),请刷新页面后重试。"))


def _bad_request_reason(exception) -> tuple[int, str, str, dict | None]:
    """Status, code, message and details for a request Django refused to read."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return 413, "too_large", _("请求内容过大(上限 %(mb).1f MB),请减少内容后重试。") % {
            "mb": limit / 1024 / 1024}, {"max_bytes": limit}
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return 413, "too_large", _("请求内容过大:字段超过 %(n)d 个。") % {"n": limit}, {
            "max_fields": limit}
    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return 413, "too_large", _("请求内容过大:文件超过 %(n)d 个。") % {"n": limit}, {
            "max_files": limit}
    if isinstance(exception, MultiPartParserError):
        return 400, "bad_request", _("请求内容格式有误,无法解析。"), None
    return 400, "bad_request", STATUS_ERRORS[400][1], None


def bad_request(request, exception=None) -> HttpResponse:
    """handler400: a malformed body, a suspicious request, and bodies over the upload limits
    (413, which tells a client that retrying the same body is pointless)."""
    status, code, message, details = _bad_request_reason(exception)
    return _answer(request, status, "400.html", code=code, message=message, details=details)


def bad_request_answer(request, message: str) -> HttpResponse:
    """A 400 with our own reason: the Chinese page, or the API's JSON under /api/."""
    return _answer(request, 400, "400.html", code="bad_request", message=message)


def permission_denied(request, exception=None) -> HttpResponse:
    """handler403."""
    return _answer(request, 403, "403.html")


def page_not_found(request, exception=None) -> HttpResponse:
    """handler404: missing and not-yours read the same (architecture: Authorization)."""
    return _answer(request, 404, "404.html")


def server_error(request) -> HttpResponse:
    """handler500. The page is rendered without a request context: whatever failed (the
    database, a context processor) must not fail the error page too."""
    if is_api(request):
        return api_error(500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
