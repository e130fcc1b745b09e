"""The navigation bar lists only what exists and what the user may open."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from linli.accounts.access import Access
from linli.accounts.roles import Domain, Perm


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    domain: str | None = None
    needs_region: bool = False  # organisation staff have no region scope
    personal: bool = False  # needs a personal-data domain (the system administrator has none)

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def allowed(self, access: Access) -> bool:
        return ((self.permission is None or access.can(self.permission))
                and (self.domain is None or access.sees_domain(self.domain))
                and (not self.needs_region or bool(access.region_codes))
                and (not self.personal or access.sees_personal_data))


# Menu words are translated apart from the headings they echo: English keeps them short so
# that the bar stays one row.
ITEMS = [
    NavItem(pgettext_lazy("menu", "首页"), "core:home", Perm.VIEW),
    NavItem(pgettext_lazy("menu", "行政区划"), "regions:index", Perm.VIEW, needs_region=True),
    NavItem(pgettext_lazy("menu", "关爱对象"), "people:list", Perm.VIEW, personal=True),
    NavItem(pgettext_lazy("menu", "探访"), "visits:worklist", Perm.VIEW, personal=True),
    NavItem(pgettext_lazy("menu", "服务与助餐"), "care:services", Perm.VIEW, personal=True),
    NavItem(pgettext_lazy("menu", "诉求与转介"), "appeals:list", Perm.VIEW, personal=True),
    NavItem(pgettext_lazy("menu", "社会组织"), "orgs:list", Perm.VIEW, Domain.ORGANIZATIONS),
    NavItem(pgettext_lazy("menu", "备案审核"), "orgs:filings", Perm.VIEW, Domain.ORGANIZATIONS),
    NavItem(pgettext_lazy("menu", "社工站"), "orgs:stations", Perm.VIEW, Domain.ORGANIZATIONS,
            needs_region=True),
    NavItem(pgettext_lazy("menu", "志愿者与社工"), "orgs:volunteers", Perm.VIEW,
            Domain.ORGANIZATIONS),
    NavItem(pgettext_lazy("menu", "十条措施"), "reports:measures", Perm.VIEW, Domain.PROGRAMS,
            needs_region=True),
    NavItem(pgettext_lazy("menu", "总结报告"), "reports:rounds", Perm.VIEW, Domain.PROGRAMS,
            needs_region=True),
    NavItem(pgettext_lazy("menu", "用户与授权"), "accounts:user_list", Perm.MANAGE_USERS),
    NavItem(pgettext_lazy("menu", "审计日志"), "audit:log", Perm.VIEW_AUDIT),
    NavItem(pgettext_lazy("menu", "接口文档"), "api-1.0.0:openapi-view", Perm.VIEW),
]


def items_for(access: Access) -> list[NavItem]:
    return [item for item in ITEMS if item.allowed(access)]
