"""The people app's figures per region (core.indicators): people in care."""

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from linli.core.dashboard import Topic
from linli.core.indicators import COUNT, Indicator, Value, register
from linli.people.models import Person, PersonStatus
from linli.people.selectors import visible
from linli.regions.models import CODE_LENGTHS, Level


def people_in_care(actor, region, period) -> list[Value]:
    """在册关爱对象 of the region and of each child, in one grouped query over the people
    the actor may see."""
    children = list(region.children.order_by("code")) if region.level < Level.VILLAGE else []
    length = CODE_LENGTHS[region.level + 1] if children else len(region.code)
    rows = (visible(Person.objects.filter(status=PersonStatus.ACTIVE), actor, within=region.code)
            .annotate(p=Substr("region_code", 1, length)).values("p")
            .annotate(n=Count("id")).order_by())
    by = {row["p"]: row["n"] for row in rows}
    total = sum(by.values())
    return [Value(region, total), *(Value(c, by.get(c.code, 0)) for c in children)]


register(Indicator(
    "people_in_care", _("在册关爱对象"), Topic.CARE, people_in_care,
    available=lambda access: access.sees_personal_data, kind=COUNT, unit=_("人"), measure=1,
    personal=True, order=20, note=_("在册(未销册)的关爱对象人数,按其所在村(社区)统计。")))
