"""The visits app's figures per region (core.indicators): the month's visit rate."""

from django.utils.translation import gettext_lazy as _

from linli.core.dashboard import Topic
from linli.core.indicators import Indicator, Value, percent, register
from linli.visits import selectors


def visit_rate(actor, region, period) -> list[Value]:
    """The rate of the period's last month (a month in progress: so far)."""
    return [Value(r.region, percent(r.visited, r.due), (r.visited, r.due))
            for r in selectors.visit_rate(actor=actor, region=region, month=period.end)]


register(Indicator(
    "visit_rate", _("月探访率"), Topic.CARE, visit_rate,
    available=lambda access: access.sees_personal_data, parts=(_("已访"), _("应访")),
    measure=5, personal=True, order=10,
    note=_("应访:探访规则要求至少每月探访一次的在册对象;已访:本月内有探访记录的对象。")))
