"""Reads of the care app, scoped like every other read."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.care.models import Canteen, CommunityLocation, Facility, Meal, ServiceRecord
from linli.core.errors import Invalid, NotFound
from linli.people.selectors import visible
from linli.regions.models import CODE_LENGTHS, Level, Region

EARTH_M = 6_371_000
CIRCLE_METERS = (100, 20_000)  # the API schema's bounds too: a walk, not a county


def services(*, actor, person=None) -> QuerySet[ServiceRecord]:
    rows = visible(ServiceRecord.objects.all(), actor, "person__")
    if person is not None:
        rows = rows.filter(person=person)
    return rows.select_related("person", "organisation", "volunteer").order_by("-served_at")


def services_between(*, actor, start: datetime, end: datetime,
                     within: str = "") -> QuerySet[ServiceRecord]:
    """Services from ``start`` up to (not including) ``end`` in the region ``within`` (where
    they were delivered), to people the actor may see; no joins beyond the scope's."""
    rows = ServiceRecord.objects.filter(served_at__gte=start, served_at__lt=end)
    if within:
        rows = rows.filter(region_code__startswith=within)
    return visible(rows, actor, "person__")


def meals_between(*, actor, start: date, end: date, within: str = "") -> QuerySet[Meal]:
    """Meal rows served from ``start`` to ``end`` (both inclusive) in the region ``within``,
    to people the actor may see (a row counts ``count`` meals)."""
    rows = Meal.objects.filter(served_on__gte=start, served_on__lte=end)
    if within:
        rows = rows.filter(region_code__startswith=within)
    return visible(rows, actor, "person__")


def canteens(*, actor) -> QuerySet[Canteen]:
    return access_for(actor).filter(Canteen.objects.all()).select_related(
        "region", "operator").annotate(people=Count("meals__person", distinct=True))


def canteen_get(*, actor, pk: int) -> Canteen:
    canteen = canteens(actor=actor).filter(pk=pk).first()
    if canteen is None:
        raise NotFound()
    return canteen


def meals_on(*, actor, canteen: Canteen, day) -> QuerySet[Meal]:
    return visible(Meal.objects.filter(canteen=canteen, served_on=day), actor,
                   "person__").select_related("person")


def meals_total(*, canteen: Canteen, since) -> int:
    return Meal.objects.filter(canteen=canteen, served_on__gte=since).aggregate(
        n=Sum("count"))["n"] or 0


def facilities(*, actor) -> QuerySet[Facility]:
    return access_for(actor).filter(Facility.objects.all()).select_related("region")


def distance_m(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


@dataclass
class Circle:
    region: Region
    communities: int = 0
    located: int = 0
    covered: int = 0
    uncovered: list = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.covered / self.located if self.located else 0.0


def service_circle(*, actor, region: Region, meters: int | None = None) -> list[Circle]:
    """十五分钟养老服务圈: communities with an active facility within `meters` (default
    LINLI_SERVICE_CIRCLE_METERS, 1,000 m), for the region and its children. Communities
    without a recorded position are counted apart, not as covered."""
    if not access_for(actor).covers(region.code):
        raise NotFound()
    meters = meters or settings.LINLI_SERVICE_CIRCLE_METERS
    if not CIRCLE_METERS[0] <= meters <= CIRCLE_METERS[1]:
        message = _("服务圈半径应在 %(a)d 至 %(b)d 米之间") % {
            "a": CIRCLE_METERS[0], "b": CIRCLE_METERS[1]}
        raise Invalid(message, details={"meters": [message]})
    children = list(region.children.order_by("code")) if region.level < Level.TOWNSHIP else []
    length = CODE_LENGTHS[children[0].level] if children else len(region.code)
    rows = {r.code: Circle(r) for r in [region, *children]}
    communities = Region.objects.filter(level=Level.VILLAGE, code__startswith=region.code)
    locations = {loc.region_code: (float(loc.latitude), float(loc.longitude)) for loc in
                 CommunityLocation.objects.filter(region_code__startswith=region.code)}
    points = [(float(f.latitude), float(f.longitude)) for f in
              Facility.objects.filter(is_active=True, region_code__startswith=region.code[:4])]
    degree = meters / 111_000  # a cheap box before the exact distance
    for community in communities.only("code", "name", "path"):
        keys = [region.code] + ([community.code[:length]] if children else [])
        where = locations.get(community.code)
        near = where is not None and any(
            abs(lat - where[0]) <= degree and abs(lon - where[1]) <= degree * 1.4
            and distance_m(where[0], where[1], lat, lon) <= meters for lat, lon in points)
        for key in keys:
            circle = rows.get(key)
            if circle is None:
                continue
            circle.communities += 1
            circle.located += where is not None
            circle.covered += near
            if where is not None and not near and key == region.code:
                circle.uncovered.append(community)
    return list(rows.values())
