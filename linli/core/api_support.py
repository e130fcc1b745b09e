"""What every API router shares: authentication, the one error shape, the declared error
answers of every operation, bounded field types, pagination."""

from datetime import date
from functools import wraps
from typing import Annotated, Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination
from ninja.security import APIKeyCookie, HttpBearer

from linli.accounts.services import api_token_authenticate
from linli.core import bounds
from linli.core.errors import DomainError, Forbidden

# Bounded types for schemas: no id, count or date an API accepts can overflow a column, an
# OFFSET or date arithmetic (each was a 500 before).
Id = Annotated[int, Field(ge=1, le=bounds.ID_MAX)]
Count = Annotated[int, Field(ge=0, le=bounds.COUNT_MAX)]
Day = Annotated[date, Field(ge=bounds.DATE_MIN, le=bounds.DATE_MAX)]
_CODE = r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12}"
RegionCode = Annotated[str, Field(max_length=12, pattern=rf"^({_CODE})$",
                                  description="区划代码(2、4、6、9 或 12 位)")]
# A region filter: a code, or empty for the whole of the user's own area.
RegionFilter = Annotated[str, Field(max_length=12, pattern=rf"^({_CODE})?$",
                                    description="区划代码(2、4、6、9 或 12 位);空为本人辖区")]


def text(model, field: str, **extra: Any) -> Any:
    """A str type bounded by the model field's own max_length (pydantic refuses longer);
    a TextField, which has none, by bounds.TEXT_MAX."""
    limit = model._meta.get_field(field).max_length or bounds.TEXT_MAX
    return Annotated[str, Field(max_length=limit, **extra)]


def bearer_token(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class SessionAuth(APIKeyCookie):
    """The pages' session (with CSRF on writes); only users in good standing. A request
    without a session cookie falls through to the token — ninja would otherwise refuse a
    token client's write for want of a CSRF token it has no reason to send."""

    param_name = "sessionid"

    def _get_key(self, request):
        # A token, when sent, is the credential: a stale session cookie beside it (a browser
        # tool, a shared machine) must not turn the token client's write into a CSRF failure.
        if self.param_name not in request.COOKIES or bearer_token(request):
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


# What any operation may answer besides its success: bad request, no credentials, not
# allowed, missing or not yours, conflict / illegal transition, body too large, invalid.
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422)


def declare_errors(api) -> None:
    """Add the error answers to every operation (OpenAPI document and response check), so
    no router can forget them."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for status in ERROR_STATUSES:
                    operation.response_models.setdefault(
                        status, operation._create_response_model(ErrorOut))


def signed_in_or_token(view):
    """The API's own documents (openapi.json, the docs page): for a signed-in user or the
    holder of a valid token; the JSON answers 401 in the API's shape, the page sends to
    the login page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        token = bearer_token(request)
        if token:
            user = api_token_authenticate(token)
        if user is not None and user.is_authenticated and user.is_active:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(error_body("unauthenticated", _("请先登录或提供有效的访问令牌")),
                                status=401, json_dumps_params={"ensure_ascii": False})
        return redirect_to_login(request.get_full_path())

    return wrapped


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
        # ninja's own refusals ("Cannot parse request body" …) are English: answer the
        # status's Chinese message, keeping ninja's words as the detail.
        from linli.core.error_views import STATUS_ERRORS

        code, message = STATUS_ERRORS.get(exc.status_code, ("http_error", str(exc)))
        return api.create_response(request, error_body(code, message, {"reason": str(exc)}),
                                   status=exc.status_code)


class LinliPagination(PageNumberPagination):
    """?page=N&page_size=M; answers {items, count, page, page_size}."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=bounds.PAGE_MAX)
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
