"""Writes for the support structures: 社工站, incubation, tax qualifications, volunteers."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.errors import Invalid, NotFound
from linli.core.pinyin import pinyin_keys
from linli.orgs.models import (
    Incubation,
    IncubationBase,
    IncubationService,
    Organisation,
    SocialWorkStation,
    TaxQualification,
    Volunteer,
    VolunteerMembership,
)
from linli.orgs.services import can_edit, region_by_code
from linli.regions.models import Level


def _organisation(actor, pk: int | None) -> Organisation | None:
    if not pk:
        return None
    from linli.orgs.selectors import organisation_get

    return organisation_get(actor=actor, pk=pk)


@transaction.atomic
def station_save(*, actor, region_code: str, established: bool, operator_id: int | None = None,
                 staff_count: int = 0, opened_on: date | None = None,
                 address: str = "") -> SocialWorkStation:
    region = region_by_code(region_code, "region_code")
    if region.level != Level.TOWNSHIP:
        raise Invalid(_("社工站按乡镇(街道)设立,请选择乡镇(街道)"))
    if not can_edit(actor, None, region.code):
        raise NotFound()
    if established and opened_on is None:
        raise Invalid(_("已建成的社工站请填写建成日期"), details={"opened_on": [_("必填")]})
    station, _created = SocialWorkStation.objects.select_for_update().get_or_create(
        region=region, defaults={"region_code": region.code})
    station.established, station.staff_count = established, staff_count
    station.operator = _organisation(actor, operator_id)
    station.opened_on, station.address = opened_on, address.strip()
    station.save()
    return station


@transaction.atomic
def incubation_base_create(*, actor, name: str, region_code: str, operator_id: int | None = None,
                           opened_on: date | None = None, address: str = "") -> IncubationBase:
    region = region_by_code(region_code, "region_code")
    if not can_edit(actor, None, region.code):
        raise NotFound()
    if not name.strip():
        raise Invalid(_("请填写孵化基地名称"), details={"name": [_("必填")]})
    return IncubationBase.objects.create(
        name=name.strip(), region=region, region_code=region.code,
        operator=_organisation(actor, operator_id), opened_on=opened_on, address=address.strip())


@transaction.atomic
def incubation_add(*, actor, base: IncubationBase, organisation_id: int, started_on: date,
                   ended_on: date | None = None, services: list[str] | None = None) -> Incubation:
    if not can_edit(actor, None, base.region_code):
        raise NotFound()
    organisation = _organisation(actor, organisation_id)
    if ended_on and ended_on < started_on:
        raise Invalid(_("出孵日期不能早于入孵日期"), details={"ended_on": [_("日期有误")]})
    unknown = set(services or []) - set(IncubationService.values)
    if unknown:
        raise Invalid(_("未知的服务类型:%(s)s") % {"s": "、".join(sorted(unknown))})
    return Incubation.objects.create(base=base, organisation=organisation,
                                     region_code=organisation.region_code,
                                     started_on=started_on, ended_on=ended_on,
                                     services=sorted(set(services or [])))


@transaction.atomic
def tax_qualification_add(*, actor, organisation: Organisation, kind: str, valid_from: date,
                          valid_until: date, document_number: str = "") -> TaxQualification:
    if not can_edit(actor, organisation, organisation.region_code):
        raise NotFound()
    if valid_until < valid_from:
        raise Invalid(_("有效期止不能早于有效期起"), details={"valid_until": [_("日期有误")]})
    return TaxQualification.objects.create(
        organisation=organisation, region_code=organisation.region_code, kind=kind,
        valid_from=valid_from, valid_until=valid_until, document_number=document_number.strip())


@transaction.atomic
def volunteer_create(*, actor, name: str, region_code: str, sex: str = "", phone: str = "",
                     skills: str = "", is_social_worker: bool = False, certification: str = "",
                     certificate_number: str = "", organisation_id: int | None = None,
                     role: str = "volunteer") -> Volunteer:
    region = region_by_code(region_code, "region_code")
    organisation = _organisation(actor, organisation_id)
    if not can_edit(actor, organisation, region.code):
        raise NotFound()
    if not name.strip():
        raise Invalid(_("请填写姓名"), details={"name": [_("必填")]})
    if certification and not is_social_worker:
        is_social_worker = True  # a certified 社会工作师 is a social worker by definition
    full, initials = pinyin_keys(name)
    volunteer = Volunteer.objects.create(
        name=name.strip(), name_pinyin=full, name_initials=initials, sex=sex, phone=phone.strip(),
        region=region, region_code=region.code, skills=skills.strip(),
        is_social_worker=is_social_worker, certification=certification,
        certificate_number=certificate_number.strip())
    if organisation is not None:
        volunteer_join(actor=actor, volunteer=volunteer, organisation=organisation, role=role)
    return volunteer


def volunteer_join(*, actor, volunteer: Volunteer, organisation: Organisation,
                   role: str = "volunteer", joined_on: date | None = None) -> VolunteerMembership:
    if not can_edit(actor, organisation, organisation.region_code):
        raise NotFound()
    current = volunteer.memberships.filter(organisation=organisation, left_on__isnull=True)
    if current.exists():
        raise Invalid(_("%(v)s 已是 %(o)s 的成员") % {"v": volunteer, "o": organisation})
    membership = VolunteerMembership(volunteer=volunteer, organisation=organisation, role=role)
    if joined_on:
        membership.joined_on = joined_on
    membership.save()
    return membership


def volunteer_hours_add(*, volunteer_id: int, minutes: int) -> None:
    """Service hours add up from visits and services (one UPDATE, no read-modify-write)."""
    from decimal import Decimal

    from django.db.models import F

    Volunteer.objects.filter(pk=volunteer_id).update(
        service_hours=F("service_hours") + Decimal(minutes) / Decimal(60))
