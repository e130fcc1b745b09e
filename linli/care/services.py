"""Every write of the care app: services, meals, canteens, facilities, locations."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.care.models import Canteen, CommunityLocation, Facility, Meal, ServiceKind, ServiceRecord
from linli.core.errors import Invalid, NotFound
from linli.orgs.selectors import organisation_get, volunteer_list
from linli.orgs.support_services import volunteer_hours_add
from linli.people.selectors import person_get
from linli.regions.models import Level, Region


def _editable_region(actor, code: str, level: int | None = None) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    access = access_for(actor)
    if region is None or not (access.can(Perm.EDIT) and access.covers(region.code)):
        raise NotFound()
    if level is not None and region.level != level:
        raise Invalid(_("请选择%(l)s") % {"l": Level(level).label})
    return region


def _coordinates(latitude, longitude) -> None:
    # Qinghai lies within about 31°–40° N and 89°–104° E.
    if not (31 <= float(latitude) <= 40 and 89 <= float(longitude) <= 104):
        raise Invalid(_("坐标不在青海省范围内,请核对经纬度(纬度约 31–40,经度约 89–104)"))


@transaction.atomic
def service_record(*, actor, person_id: int, kind: str, served_at: datetime,
                   duration_minutes: int, organisation_id: int | None = None,
                   volunteer_id: int | None = None, notes: str = "") -> ServiceRecord:
    person = person_get(actor=actor, pk=person_id)
    if not access_for(actor).can(Perm.EDIT):
        raise NotFound()
    if kind not in ServiceKind.values:
        raise Invalid(_("请选择服务类型"))
    if not 1 <= duration_minutes <= 24 * 60:
        raise Invalid(_("服务时长应在 1 分钟到 24 小时之间"))
    if served_at > timezone.now():
        raise Invalid(_("服务时间不能晚于现在"))
    organisation = organisation_get(actor=actor, pk=organisation_id) if organisation_id else \
        person.organisation
    volunteer = None
    if volunteer_id:
        volunteer = volunteer_list(actor=actor).filter(pk=volunteer_id).first()
        if volunteer is None:
            raise NotFound()
    record = ServiceRecord.objects.create(
        person=person, region_code=person.region_code, kind=kind, organisation=organisation,
        volunteer=volunteer, recorded_by=actor, served_at=served_at,
        duration_minutes=duration_minutes, notes=notes.strip())
    if volunteer is not None:
        volunteer_hours_add(volunteer_id=volunteer.pk, minutes=duration_minutes)
    return record


@transaction.atomic
def canteen_create(*, actor, name: str, kind: str, region_code: str, address: str = "",
                   latitude=None, longitude=None, seats: int = 0,
                   operator_id: int | None = None) -> Canteen:
    region = _editable_region(actor, region_code)
    if latitude is not None and longitude is not None:
        _coordinates(latitude, longitude)
    operator = organisation_get(actor=actor, pk=operator_id) if operator_id else None
    return Canteen.objects.create(name=name.strip(), kind=kind, region=region,
                                  region_code=region.code, address=address.strip(),
                                  latitude=latitude, longitude=longitude, seats=seats,
                                  operator=operator)


def meals_record(*, actor, canteen: Canteen, person_ids: list[int], served_on: date) -> int:
    """Who ate at the canteen that day; recording someone twice changes nothing."""
    if not (access_for(actor).can(Perm.EDIT) and access_for(actor).covers(canteen.region_code)):
        raise NotFound()
    if served_on > timezone.localdate():
        raise Invalid(_("日期不能晚于今天"))
    people = [person_get(actor=actor, pk=pk) for pk in dict.fromkeys(person_ids)]
    before = Meal.objects.filter(canteen=canteen, served_on=served_on).count()
    Meal.objects.bulk_create([Meal(canteen=canteen, person=p, region_code=p.region_code,
                                   served_on=served_on) for p in people],
                             ignore_conflicts=True)
    return Meal.objects.filter(canteen=canteen, served_on=served_on).count() - before


@transaction.atomic
def facility_create(*, actor, name: str, level: str, kind: str, region_code: str, latitude,
                    longitude, beds: int = 0, operator_id: int | None = None) -> Facility:
    region = _editable_region(actor, region_code)
    _coordinates(latitude, longitude)
    operator = organisation_get(actor=actor, pk=operator_id) if operator_id else None
    return Facility.objects.create(name=name.strip(), level=level, kind=kind.strip(),
                                   region=region, region_code=region.code, latitude=latitude,
                                   longitude=longitude, beds=beds, operator=operator)


def location_set(*, actor, region_code: str, latitude, longitude) -> CommunityLocation:
    region = _editable_region(actor, region_code, Level.VILLAGE)
    _coordinates(latitude, longitude)
    location, _created = CommunityLocation.objects.update_or_create(
        region=region, defaults={"region_code": region.code, "latitude": latitude,
                                 "longitude": longitude})
    return location
