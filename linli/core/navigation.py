"""The navigation bar lists only what exists and what the user may open."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import Access
from linli.accounts.roles import Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ITEMS = [
    NavItem(_("首页"), "core:home", Perm.VIEW),
    NavItem(_("行政区划"), "regions:index", Perm.VIEW),
    NavItem(_("用户与授权"), "accounts:user_list", Perm.MANAGE_USERS),
    NavItem(_("审计日志"), "audit:log", Perm.VIEW_AUDIT),
    NavItem(_("接口文档"), "api-1.0.0:openapi-view", Perm.VIEW),
]


def items_for(access: Access) -> list[NavItem]:
    return [item for item in ITEMS if item.permission is None or access.can(item.permission)]
