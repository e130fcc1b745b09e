"""Every write of the care app: services, meals, canteens, facilities, locations."""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.care.models import (
    Canteen,
    CanteenKind,
    CommunityLocation,
    Facility,
    FacilityLevel,
    Meal,
    ServiceKind,
    ServiceRecord,
)
from linli.core.bounds import (
    SMALL_MAX,
    check_choice,
    check_count,
    check_date,
    check_id,
    check_lengths,
    check_record_time,
)
from linli.core.errors import Invalid, NotFound
from linli.orgs.models import Organisation
from linli.orgs.selectors import organisation_get, volunteer_list
from linli.orgs.services import check_serves
from linli.orgs.support_services import volunteer_hours_add
from linli.people.selectors import person_get, visible_people
from linli.regions.models import Level, Region

MEALS_MAX = 500  # people in one day's meal list: more than any canteen serves
# where a facility of each level stands
FACILITY_PLACES = {FacilityLevel.COUNTY: Level.COUNTY, FacilityLevel.TOWNSHIP: Level.TOWNSHIP,
                   FacilityLevel.VILLAGE: Level.VILLAGE}


def _editable_region(actor, code: str, level: int | None = None) -> Region:
    """The place typed into a write. Without EDIT the write is missing (404); a place
    outside the scope or of the wrong level is refused naming the field (regions are
    public reference data, and the clerk needs to know what to correct)."""
    access = access_for(actor)
    if not access.can(Perm.EDIT):
        raise NotFound()
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        _refuse("region_code", _("区划代码不存在"))
    if not access.covers(region.code):
        _refuse("region_code", _("所在区划应在您的辖区内"))
    if level is not None and region.level != level:
        _refuse("region_code", _("请选择%(l)s") % {"l": Level(level).label})
    return region


def _refuse(field: str, message: str):
    raise Invalid(message, details={field: [message]})


def _operator(actor, operator_id: int | None, region: Region) -> Organisation | None:
    """The operating organisation, fetched through the actor's scope, serving the place."""
    if operator_id is None:
        return None
    check_id(operator_id, field="operator_id", label=_("运营方"))
    operator = organisation_get(actor=actor, pk=operator_id)
    check_serves(operator, region, field="operator_id", label=_("运营方"))
    return operator


def _coordinates(latitude, longitude) -> None:
    # Qinghai lies within about 31°–40° N and 89°–104° E.
    if not (31 <= float(latitude) <= 40 and 89 <= float(longitude) <= 104):
        raise Invalid(_("坐标不在青海省范围内,请核对经纬度(纬度约 31–40,经度约 89–104)"))


@transaction.atomic
def service_record(*, actor, person_id: int, kind: str, served_at: datetime,
                   duration_minutes: int, organisation_id: int | None = None,
                   volunteer_id: int | None = None, notes: str = "") -> ServiceRecord:
    check_id(person_id, field="person_id", label=_("服务对象"))
    person = person_get(actor=actor, pk=person_id)
    if not access_for(actor).can(Perm.EDIT):
        raise NotFound()
    if kind not in ServiceKind.values:
        raise Invalid(_("请选择服务类型"))
    if not 1 <= duration_minutes <= 24 * 60:
        _refuse("duration_minutes", _("服务时长应在 1 分钟到 24 小时之间"))
    check_record_time(served_at, field="served_at", label=_("服务时间"))
    organisation = person.organisation
    if organisation_id is not None:
        check_id(organisation_id, field="organisation_id", label=_("服务组织"))
        organisation = organisation_get(actor=actor, pk=organisation_id)
        check_serves(organisation, person.region, field="organisation_id",
                     label=_("服务组织"))
    volunteer = None
    if volunteer_id is not None:
        check_id(volunteer_id, field="volunteer_id", label=_("服务人员"))
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
    region = _editable_region(actor, region_code, Level.VILLAGE)  # in a 村(社区)
    check_choice(kind, CanteenKind, field="kind", label=_("类型"))
    _check_name(Canteen, name=name, address=address)
    seats = check_count(seats, field="seats", label=_("餐位"), maximum=SMALL_MAX)
    if latitude is not None and longitude is not None:
        _coordinates(latitude, longitude)
    operator = _operator(actor, operator_id, region)
    return Canteen.objects.create(name=name.strip(), kind=kind, region=region,
                                  region_code=region.code, address=address.strip(),
                                  latitude=latitude, longitude=longitude, seats=seats,
                                  operator=operator)


def meals_record(*, actor, canteen: Canteen, person_ids: list[int], served_on: date) -> int:
    """Who ate at the canteen that day; recording someone twice changes nothing. Every
    person must be one the actor may see (one scoped query for the whole list)."""
    if not (access_for(actor).can(Perm.EDIT) and access_for(actor).covers(canteen.region_code)):
        raise NotFound()
    _check_served_on(served_on)
    wanted = list(dict.fromkeys(person_ids))
    if len(wanted) > MEALS_MAX:
        _refuse("person_ids", _("一次最多登记 %(n)d 人") % {"n": MEALS_MAX})
    for pk in wanted:
        check_id(pk, field="person_ids", label=_("就餐对象"))
    people = list(visible_people(actor).filter(pk__in=wanted).only("pk", "region_code"))
    if len(people) != len(wanted):
        raise NotFound()
    before = Meal.objects.filter(canteen=canteen, served_on=served_on).count()
    Meal.objects.bulk_create([Meal(canteen=canteen, person=p, region_code=p.region_code,
                                   served_on=served_on) for p in people],
                             ignore_conflicts=True)
    return Meal.objects.filter(canteen=canteen, served_on=served_on).count() - before


@transaction.atomic
def facility_create(*, actor, name: str, level: str, kind: str, region_code: str, latitude,
                    longitude, beds: int = 0, operator_id: int | None = None) -> Facility:
    check_choice(level, FacilityLevel, field="level", label=_("层级"))
    region = _editable_region(actor, region_code, FACILITY_PLACES[level])
    _check_name(Facility, name=name, kind=kind)
    beds = check_count(beds, field="beds", label=_("床位"), maximum=SMALL_MAX)
    _coordinates(latitude, longitude)
    operator = _operator(actor, operator_id, region)
    return Facility.objects.create(name=name.strip(), level=level, kind=kind.strip(),
                                   region=region, region_code=region.code, latitude=latitude,
                                   longitude=longitude, beds=beds, operator=operator)


def _check_name(model, **values) -> None:
    if not values["name"].strip():
        _refuse("name", _("请填写名称"))
    check_lengths(model, values)


def _check_served_on(served_on: date) -> None:
    """A day meals were served: not after today, not before the records may reach."""
    check_date(served_on, field="served_on", label=_("日期"))
    if served_on > timezone.localdate():
        _refuse("served_on", _("日期不能晚于今天"))
    check_record_time(timezone.make_aware(datetime.combine(served_on, time.min)),
                      field="served_on", label=_("日期"))


def location_set(*, actor, region_code: str, latitude, longitude) -> CommunityLocation:
    region = _editable_region(actor, region_code, Level.VILLAGE)
    _coordinates(latitude, longitude)
    location, _created = CommunityLocation.objects.update_or_create(
        region=region, defaults={"region_code": region.code, "latitude": latitude,
                                 "longitude": longitude})
    return location
