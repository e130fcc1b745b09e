"""What every API router shares: authentication, the one error shape, pagination."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import APIKeyCookie, HttpBearer

from linli.accounts.services import api_token_authenticate
from linli.core.errors import DomainError, Forbidden


class SessionAuth(APIKeyCookie):
    """The pages' session (with CSRF on writes); only users in good standing. A request
    without a session cookie falls through to the token — ninja would otherwise refuse a
    token client's write for want of a CSRF token it has no reason to send."""

    param_name = "sessionid"

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise Forbidden(_("CSRF 校验失败,请刷新页面后重试")) from None

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


class TokenAuth(HttpBearer):
    """Personal access tokens: ``Authorization: Bearer linli_…``."""

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ErrorBody(Schema):
    code: str
    message: str
    details: dict | list | None = None


class ErrorOut(Schema):
    error: ErrorBody


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details}}


def install_error_handlers(api) -> None:
    """Map every failure to the one error shape {"error": {code, message, details}}."""

    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        return api.create_response(request, error_body(exc.code, exc.message, exc.details),
                                   status=exc.status)

    @api.exception_handler(Http404)
    def _missing(request, exc):
        return api.create_response(request, error_body("not_found", _("未找到该记录,或您无权访问")),
                                   status=404)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc: NinjaValidationError):
        return api.create_response(request, error_body("invalid", _("请求参数有误"), exc.errors),
                                   status=422)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        body = error_body("unauthenticated", _("请先登录或提供有效的访问令牌"))
        return api.create_response(request, body, status=401)

    @api.exception_handler(HttpError)
    def _http(request, exc: HttpError):
        return api.create_response(request, error_body("http_error", str(exc)),
                                   status=exc.status_code)


class LinliPagination(PageNumberPagination):
    """?page=N&page_size=M; answers {items, count, page, page_size}."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=500)

    class Output(Schema):
        items: list
        count: int
        page: int
        page_size: int

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset: offset + pagination.page_size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
