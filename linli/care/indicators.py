"""The care app's figures per region (core.indicators): the 15-minute circle's coverage."""

from django.utils.translation import gettext_lazy as _

from linli.care import selectors
from linli.core.dashboard import Topic
from linli.core.indicators import Indicator, Value, percent, register


def circle_coverage(actor, region, period) -> list[Value]:
    return [Value(c.region, percent(c.covered, c.located), (c.covered, c.located))
            for c in selectors.service_circle(actor=actor, region=region)]


register(Indicator(
    "circle_coverage", _("十五分钟养老服务圈覆盖率"), Topic.CARE, circle_coverage,
    available=lambda access: bool(access.region_codes), parts=(_("已覆盖"), _("已标注位置")),
    measure=5, order=30,
    note=_("已标注位置的村(社区)中,服务半径内有运营中养老服务设施的比例;"
           "未标注位置的村(社区)不计入。")))
