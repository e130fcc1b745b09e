"""Writes for the support structures: 社工站, incubation, tax qualifications, volunteers."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.bounds import (
    ID_MAX,
    SMALL_MAX,
    check_choice,
    check_count,
    check_day,
    check_lengths,
)
from linli.core.errors import Invalid, NotFound
from linli.core.pinyin import pinyin_keys
from linli.orgs.models import (
    Certification,
    Incubation,
    IncubationBase,
    IncubationService,
    Organisation,
    Sex,
    SocialWorkStation,
    TaxQualification,
    TaxQualificationKind,
    Volunteer,
    VolunteerMembership,
    VolunteerRole,
)
from linli.orgs.services import (
    can_edit,
    check_in_scope,
    check_serves,
    may_edit_organisations,
    region_by_code,
)
from linli.regions.models import Level


def _organisation(actor, pk: int | None) -> Organisation | None:
    """An organisation named by its id, through the actor's scoped read: another county's,
    a missing one or an id no table can hold are all NotFound."""
    if pk is None:
        return None
    if isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk <= ID_MAX:
        raise NotFound()
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
        raise NotFound()  # the township is the station's key: not yours reads as missing
    staff_count = check_count(staff_count, field="staff_count", label=_("驻站社工人数"),
                              maximum=SMALL_MAX)
    opened_on = check_day(opened_on, field="opened_on", label=_("建成日期"))
    if established and opened_on is None:
        raise Invalid(_("已建成的社工站请填写建成日期"), details={"opened_on": [_("必填")]})
    check_lengths(SocialWorkStation, {"address": address})
    operator = _organisation(actor, operator_id)
    if operator is not None:
        check_serves(operator, region, field="operator_id", label=_("运营机构"))
    station, _created = SocialWorkStation.objects.select_for_update().get_or_create(
        region=region, defaults={"region_code": region.code})
    station.established, station.staff_count = established, staff_count
    station.operator = operator
    station.opened_on, station.address = opened_on, address.strip()
    station.save()
    return station


@transaction.atomic
def incubation_base_create(*, actor, name: str, region_code: str, operator_id: int | None = None,
                           opened_on: date | None = None, address: str = "") -> IncubationBase:
    if not may_edit_organisations(actor):
        raise NotFound()
    region = region_by_code(region_code, "region_code")
    check_in_scope(actor, region, field="region_code", label=_("所在区划"))
    if not name.strip():
        raise Invalid(_("请填写孵化基地名称"), details={"name": [_("必填")]})
    check_lengths(IncubationBase, {"name": name.strip(), "address": address})
    opened_on = check_day(opened_on, field="opened_on", label=_("建成日期"))
    operator = _organisation(actor, operator_id)
    if operator is not None:
        check_serves(operator, region, field="operator_id", label=_("运营机构"))
    return IncubationBase.objects.create(
        name=name.strip(), region=region, region_code=region.code,
        operator=operator, opened_on=opened_on, address=address.strip())


@transaction.atomic
def incubation_add(*, actor, base: IncubationBase, organisation_id: int, started_on: date,
                   ended_on: date | None = None, services: list[str] | None = None) -> Incubation:
    if not can_edit(actor, None, base.region_code):
        raise NotFound()
    if organisation_id is None:
        raise Invalid(_("请填写入孵组织"), details={"organisation_id": [_("必填")]})
    organisation = _organisation(actor, organisation_id)
    check_serves(organisation, base.region, field="organisation_id", label=_("入孵组织"))
    if started_on is None:
        raise Invalid(_("请填写入孵日期"), details={"started_on": [_("必填")]})
    started_on = check_day(started_on, field="started_on", label=_("入孵日期"))
    ended_on = check_day(ended_on, field="ended_on", label=_("出孵日期"))
    if ended_on and ended_on < started_on:
        raise Invalid(_("出孵日期不能早于入孵日期"), details={"ended_on": [_("日期有误")]})
    services = [services] if isinstance(services, str) else list(services or [])
    unknown = [str(s)[:32] for s in services if s not in IncubationService.values]
    if unknown:
        message = _("未知的服务类型:%(s)s") % {"s": "、".join(sorted(set(unknown)))}
        raise Invalid(message, details={"services": [message]})
    return Incubation.objects.create(base=base, organisation=organisation,
                                     region_code=organisation.region_code,
                                     started_on=started_on, ended_on=ended_on,
                                     services=sorted(set(services or [])))


@transaction.atomic
def tax_qualification_add(*, actor, organisation: Organisation, kind: str, valid_from: date,
                          valid_until: date, document_number: str = "") -> TaxQualification:
    if not can_edit(actor, organisation, organisation.region_code):
        raise NotFound()
    check_choice(kind, TaxQualificationKind, field="kind", label=_("资格类型"))
    valid_from = check_day(valid_from, field="valid_from", label=_("有效期起"))
    valid_until = check_day(valid_until, field="valid_until", label=_("有效期止"))
    if valid_from is None or valid_until is None:
        raise Invalid(_("请填写有效期起止日期"),
                      details={"valid_from" if valid_from is None else "valid_until": [_("必填")]})
    check_lengths(TaxQualification, {"document_number": document_number})
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
    if not may_edit_organisations(actor):
        raise NotFound()
    region = region_by_code(region_code, "region_code")
    organisation = _organisation(actor, organisation_id)
    check_in_scope(actor, region, field="region_code", label=_("服务区域"),
                   organisation=organisation)
    if organisation is not None and not access_for(actor).covers(region.code) and \
            not region.code.startswith(organisation.region_code[:6]):
        # organisation staff place their volunteers in their organisation's county only
        message = _("服务区域应在所属组织所在的县(市、区)内")
        raise Invalid(message, details={"region_code": [message]})
    if not name.strip():
        raise Invalid(_("请填写姓名"), details={"name": [_("必填")]})
    if sex:
        check_choice(sex, Sex, field="sex", label=_("性别"))
    check_choice(certification, Certification, field="certification", label=_("职业水平"))
    check_choice(role, VolunteerRole, field="role", label=_("身份"))
    check_lengths(Volunteer, {"name": name.strip(), "phone": phone, "skills": skills,
                              "certificate_number": certificate_number})
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
    check_choice(role, VolunteerRole, field="role", label=_("身份"))
    joined_on = check_day(joined_on, field="joined_on", label=_("加入日期"))
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
