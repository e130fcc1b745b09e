"""The visits app's figures per region (core.indicators): the month's visit rate, the
people overdue and the visits recorded (measure 五), each one grouped query over the
people the actor may see."""

from django.utils.translation import gettext_lazy as _

from linli.core.dashboard import Topic
from linli.core.figures import counts, span
from linli.core.indicators import COUNT, Indicator, Value, percent, register
from linli.visits import selectors


def _sees_people(access) -> bool:
    return access.sees_personal_data


def visit_rate(actor, region, period) -> list[Value]:
    """The rate of the period's last month (a month in progress: so far)."""
    return [Value(r.region, percent(r.visited, r.due), (r.visited, r.due))
            for r in selectors.visit_rate(actor=actor, region=region, month=period.end)]


def overdue(actor, region, period) -> list[Value]:
    """Today's, whatever the period: no past work list is kept (the note says so)."""
    return counts(region, selectors.overdue_now(actor=actor, within=region.code))


def visits_recorded(actor, region, period) -> list[Value]:
    start, end = span(period)
    return counts(region, selectors.visits_between(actor=actor, start=start, end=end,
                                                   within=region.code))


VISIT_RATE = register(Indicator(
    "visit_rate", _("月探访率"), Topic.CARE, visit_rate,
    available=_sees_people, parts=(_("已访"), _("应访")),
    measure=5, personal=True, order=10,
    note=_("应访:探访规则要求至少每月探访一次的在册对象;已访:本月内有探访记录的对象。")))
register(Indicator(
    "visits_overdue", _("逾期未访"), Topic.CARE, overdue, available=_sees_people, kind=COUNT,
    unit=_("人"), measure=5, personal=True, order=11,
    note=_("今天已过下次应访日期仍未探访的对象。只反映当前情况:任何期间都按今天计,"
           "不回溯过去某日(不保存过去的探访计划)。")))
register(Indicator(
    "visits_recorded", _("探访次数"), Topic.CARE, visits_recorded, available=_sees_people,
    kind=COUNT, unit=_("次"), measure=5, personal=True, order=12, flow=True,
    note=_("期内的探访记录数(上门、电话视频、远程监测),按探访时对象所在村(社区)统计。")))
