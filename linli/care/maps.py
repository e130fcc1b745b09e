"""The county's care network on a map: facilities, canteens and 社工站 at their stored
positions, the service circle of each, and the villages the 15-minute circle leaves out.

What has no position is listed under the map instead (社工站 carry no coordinates at all;
canteens and villages may lack them), so nothing is dropped silently. Coverage is the circle
page's (selectors.service_circle): a village is covered when an active facility lies
within the radius; canteens are drawn with their own circles, not counted.
"""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import access_for
from linli.care import selectors
from linli.care.models import Canteen, Facility
from linli.core.forms import BootstrapMixin
from linli.core.pickers import PickerField, PickerForm
from linli.orgs.models import SocialWorkStation
from linli.orgs.selectors import stations_list
from linli.regions import geo
from linli.regions.models import Level, Region


class CountyForm(PickerForm, BootstrapMixin, forms.Form):
    region = PickerField("regions", label=_("县(市、区)"), required=False,
                         options={"level": Level.COUNTY},
                         placeholder=_("县(市、区)名称,如 城东区"))


@dataclass
class Village:
    region: Region
    latitude: float | None = None
    longitude: float | None = None
    covered: bool = False


@dataclass
class Network:
    region: Region
    meters: int
    circle: selectors.Circle
    outline: geo.Outline | None
    facilities: list[Facility] = field(default_factory=list)
    canteens: list[Canteen] = field(default_factory=list)
    stations: list[SocialWorkStation] = field(default_factory=list)
    villages: list[Village] = field(default_factory=list)

    @property
    def unlocated_villages(self) -> list[Village]:
        return [v for v in self.villages if v.latitude is None]

    @property
    def uncovered(self) -> list[Village]:
        return [v for v in self.villages if v.latitude is not None and not v.covered]

    def points(self) -> list[tuple[str, object, float | None, float | None]]:
        """(kind, record, latitude, longitude) of everything the map shows or lists."""
        rows = [("facility", f, float(f.latitude), float(f.longitude)) for f in self.facilities]
        rows += [("canteen", c, _float(c.latitude), _float(c.longitude)) for c in self.canteens]
        rows += [("station", s, None, None) for s in self.stations]
        return rows


def _float(value) -> float | None:
    return None if value is None else float(value)


def care_network(*, actor, region: Region, meters: int | None = None) -> Network:
    """The network of a county (or of a township or village inside it), scoped: the circle
    raises NotFound outside the actor's scope; facilities and canteens are the actor's own
    rows (access.filter), 社工站 only for those who see organisations."""
    circle = selectors.service_circle(actor=actor, region=region, meters=meters)[0]
    access = access_for(actor)
    inside = {"region_code__startswith": region.code}
    facilities = list(selectors.facilities(actor=actor).filter(is_active=True, **inside))
    # Not selectors.canteens(): its count of diners joins every meal, which the map needs not.
    canteens = list(access.filter(Canteen.objects.filter(is_active=True, **inside))
                    .select_related("region").order_by("region_code", "name"))
    stations = list(stations_list(actor=actor).filter(**inside).order_by("region_code"))
    uncovered = {r.code for r in circle.uncovered}
    villages = []
    for village in (Region.objects.filter(level=Level.VILLAGE, code__startswith=region.code)
                    .select_related("location").order_by("code")):
        where = getattr(village, "location", None)
        villages.append(Village(village) if where is None else Village(
            village, float(where.latitude), float(where.longitude),
            covered=village.code not in uncovered))
    return Network(region=region, meters=meters or settings.LINLI_SERVICE_CIRCLE_METERS,
                   circle=circle,
                   outline=geo.outline(region.code), facilities=facilities, canteens=canteens,
                   stations=stations, villages=villages)
