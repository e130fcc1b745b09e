"""The care app's figures per region (core.indicators): services delivered, by kind and
in all, their hours and the meals served in the period (measures 五 and 七), and the
15-minute circle's coverage."""

from django.db.models import Count, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.care import selectors
from linli.care.models import ServiceKind
from linli.core.dashboard import Topic
from linli.core.figures import children_of, counts, grouped, span
from linli.core.indicators import COUNT, Indicator, Value, percent, register

# ServiceKind's first four are measure 五's basic services to the elderly; the rest are
# measure 七's listed services (left-behind elderly, left-behind women, migrant workers).
BASIC_SERVICES = frozenset({ServiceKind.VISIT, ServiceKind.HOUSEKEEPING, ServiceKind.COMFORT,
                            ServiceKind.RESCUE})


def _sees_people(access) -> bool:
    return bool(access.region_codes or access.organisation_ids) and access.sees_personal_data


def circle_coverage(actor, region, period) -> list[Value]:
    return [Value(c.region, percent(c.covered, c.located), (c.covered, c.located))
            for c in selectors.service_circle(actor=actor, region=region)]


def _services(**where):
    def compute(actor, region, period) -> list[Value]:
        start, end = span(period)
        rows = selectors.services_between(actor=actor, start=start, end=end,
                                          within=region.code).filter(**where)
        return counts(region, rows)
    return compute


def services(actor, region, period) -> list[Value]:
    """人次, with the minutes they took as a second part (the card shows both: one query)."""
    start, end = span(period)
    rows = selectors.services_between(actor=actor, start=start, end=end, within=region.code)
    children, length = children_of(region)
    by = grouped(rows, "region_code", length, n=Count("pk"), minutes=Sum("duration_minutes"))

    def value(where, found: list[dict]) -> Value:
        n, minutes = (sum(row[k] or 0 for row in found) for k in ("n", "minutes"))
        return Value(where, float(n), (n, minutes))

    return [value(region, list(by.values())),
            *(value(child, [by[child.code]] if child.code in by else []) for child in children)]


def _hours(actor, region, period) -> list[Value]:
    return [Value(v.region, round(v.parts[1] / 60, 1)) for v in services(actor, region, period)]


def meals(actor, region, period) -> list[Value]:
    rows = selectors.meals_between(actor=actor, start=period.start, end=period.end,
                                   within=region.code)
    return counts(region, rows, aggregate=Sum("count"))


def _flow(key: str, label, compute, *, unit, measure: int, order: int, note) -> Indicator:
    return Indicator(key, label, Topic.CARE, compute, available=_sees_people, kind=COUNT,
                     unit=unit, measure=measure, personal=True, flow=True, order=order,
                     note=note)


register(Indicator(
    "circle_coverage", _("十五分钟养老服务圈覆盖率"), Topic.CARE, circle_coverage,
    available=lambda access: bool(access.region_codes), parts=(_("已覆盖"), _("已标注位置")),
    measure=5, order=30,
    note=_("已标注位置的村(社区)中,服务半径内有运营中养老服务设施的比例;"
           "未标注位置的村(社区)不计入。按当前的设施与位置计。")))
SERVICES = register(Indicator(
    "services", _("关爱服务"), Topic.CARE, services, available=_sees_people, kind=COUNT,
    unit=_("人次"), parts=(_("人次"), _("时长(分钟)")), measure=5, personal=True, flow=True,
    order=31, note=_("期内登记的各类关爱服务人次,按服务所在村(社区)统计。")))
register(_flow("service_hours", _("关爱服务时长"), _hours, unit=_("小时"), measure=5, order=32,
               note=_("期内登记的关爱服务时长之和。")))
MEALS = register(_flow("meals", _("助餐"), meals, unit=_("餐"), measure=5, order=33,
               note=_("期内各助餐点(老年幸福食堂)登记的餐数。")))
for _order, _kind in enumerate(ServiceKind, start=120):
    register(_flow(f"services_{_kind.value}", format_lazy(_("关爱服务:{kind}"), kind=_kind.label),
                   _services(kind=_kind.value), unit=_("人次"),
                   measure=5 if _kind in BASIC_SERVICES else 7, order=_order,
                   note=_("期内登记的该类服务人次。")))
