"""The province choropleth: a registered figure (core.indicators) for the prefectures of the
province or the counties of one prefecture, scoped like every read."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.errors import NotFound
from linli.core.indicators import Indicator, Period, Value
from linli.regions import geo
from linli.regions.models import PROVINCE_CODE, Level, Region
from linli.regions.selectors import region_roots


def areas_for(*, actor) -> list[Region]:
    """What the actor may map: the province by prefecture and each prefecture by county
    when it covers them, and the prefecture of each of its counties (showing only those)."""
    codes: set[str] = set()
    for root in region_roots(actor=actor):
        if root.level == Level.PROVINCE:
            codes.add(root.code)
            codes.update(Region.objects.filter(level=Level.PREFECTURE)
                         .values_list("code", flat=True))
        elif root.level in (Level.PREFECTURE, Level.COUNTY):
            codes.add(root.code[:4])
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def area_label(area: Region) -> str:
    if area.code == PROVINCE_CODE:
        return _("%(name)s · 各市(州)") % {"name": area.name}
    return _("%(name)s · 各县(市、区)") % {"name": area.name}


@dataclass
class Choropleth:
    indicator: Indicator
    area: Region
    total: Value | None  # the area as a whole, when the actor covers it
    rows: list[Value]  # the area's children the actor may see
    geo_path: str | None  # static path of the boundaries of the children
    goals: dict = field(default_factory=dict)  # region code -> reports.targets.Goal

    @property
    def goal(self):
        """The target of the area itself (its children may have their own)."""
        return self.goals.get(self.area.code)

    @property
    def partial(self) -> bool:
        return self.total is None

    def table(self) -> list["Row"]:
        """Rows of the table beside the map: the area first (when whole), each value as
        shown, whether it falls short of the target, and the counts it is made of."""
        values = ([self.total] if self.total else []) + self.rows
        return [Row(v, self.indicator.shown(v.value), self._short(v),
                    list(zip(self.indicator.parts, v.parts, strict=False)), v is self.total)
                for v in values]

    def _short(self, value: Value) -> bool:
        goal = self.goals.get(value.region.code)
        return goal is not None and goal.short(value.value)

    def shared(self) -> list[str]:
        """Names of the children the boundary data draws together with another
        (regions.geo.SHARED_SHAPES): the map cannot colour them, the table has them."""
        codes = {c for shape in geo.SHARED_SHAPES.values() for c in shape}
        return [v.region.name for v in self.rows if v.region.code in codes]

    def map_data(self) -> list[dict]:
        return [{"name": v.region.name, "value": v.value} for v in self.rows
                if v.value is not None]

    def value_range(self) -> tuple[float, float]:
        values = [v.value for v in self.rows if v.value is not None]
        if self.goal is not None:
            values.append(self.goal.value)
        return (min([0.0, *values]), max([1.0, *values]))


@dataclass
class Row:
    value: Value
    shown: str
    below: bool
    parts: list[tuple[str, int]]
    whole: bool  # the area itself


def choropleth(*, actor, indicator: Indicator, area: Region) -> Choropleth:
    """The figure for each child of ``area`` (the province or a prefecture). An actor that
    covers only some counties of the prefecture gets those counties (nothing of the rest)."""
    if area not in areas_for(actor=actor) or not indicator.available(access_for(actor)):
        raise NotFound()
    from linli.reports.targets import goals_for

    path, period = geo.children_file(area.code), Period.this_month()
    if access_for(actor).covers(area.code):
        total, *rows = indicator.compute(actor, area, period)
    else:
        total = None
        rows = [indicator.compute(actor, r, period)[0] for r in region_roots(actor=actor)
                if r.level == area.level + 1 and r.code.startswith(area.code)]
    goals = goals_for([indicator.key], [area.code, *(v.region.code for v in rows)])
    return Choropleth(indicator, area, total, rows, path,
                      {code: goal for (_key, code), goal in goals.items()})
