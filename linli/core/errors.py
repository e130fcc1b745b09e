"""The one small hierarchy of domain errors.

Services raise these; they become an HTTP answer in exactly two places: the page
middleware (linli.core.middleware) and the API handler (linli.api).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = _("请求无效")

    def __init__(self, message=None, *, details: dict | list | None = None):
        self.message = str(message or self.default_message)
        self.details = details
        super().__init__(self.message)


class NotFound(DomainError):
    """Missing and not-yours look the same, so existence is never leaked."""

    status = 404
    code = "not_found"
    default_message = _("未找到该记录,或您无权访问")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("您没有执行此操作的权限")


class Invalid(DomainError):
    status = 422
    code = "invalid"
    default_message = _("提交的数据有误")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("数据已被他人修改或与现有记录冲突")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("当前状态下不允许此操作")
