"""The care app's card on the home dashboard: this month's services and meals."""

from datetime import datetime, time

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.care import selectors
from linli.care.models import Meal
from linli.core.dashboard import Card
from linli.people.selectors import visible


def services_card(access: Access) -> Card | None:
    """Counted over the people the user may see (a bureau's own domains only)."""
    if not (access.region_codes or access.organisation_ids) or not access.sees_personal_data:
        return None
    first = timezone.localdate().replace(day=1)
    since = timezone.make_aware(datetime.combine(first, time.min))
    served = selectors.services(actor=access).filter(served_at__gte=since).order_by().aggregate(
        n=Count("id"), minutes=Sum("duration_minutes"))
    meals = visible(Meal.objects.filter(served_on__gte=first), access, "person__").aggregate(
        n=Sum("count"))["n"] or 0
    hours = (served["minutes"] or 0) / 60
    return Card(title=_("本月关爱服务"), value=f"{served['n']:,}", unit=_("人次"),
                url=reverse("care:services"),
                rows=[(_("服务时长(小时)"), f"{hours:,.0f}"), (_("助餐(餐)"), f"{meals:,}")])
