"""The care app's card on the home dashboard: this month's services and meals."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.care.indicators import MEALS, SERVICES
from linli.core.dashboard import Card
from linli.core.figures import scope_region
from linli.core.indicators import Period


def services_card(access: Access) -> Card | None:
    """Counted over the people the user may see (a bureau's own domains only)."""
    if not (access.region_codes or access.organisation_ids) or not access.sees_personal_data:
        return None
    region, period = scope_region(access), Period.this_month()
    served = SERVICES.at(access, region, period)  # 人次 and minutes
    meals = MEALS.at(access, region, period).value
    hours = served.parts[1] / 60
    return Card(title=_("本月关爱服务"), value=f"{served.value:,.0f}", unit=_("人次"),
                url=reverse("care:services"),
                rows=[(_("服务时长(小时)"), f"{hours:,.0f}"), (_("助餐(餐)"), f"{meals:,.0f}")])
