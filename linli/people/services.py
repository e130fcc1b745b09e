"""Every write of the people registry."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm, domain_mask
from linli.audit.models import Action
from linli.audit.services import access_log_record
from linli.core.bounds import check_date, check_id
from linli.core.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.pinyin import pinyin_keys
from linli.people import identity, selectors
from linli.people.models import (
    ETHNICITIES,
    CloseReason,
    Consent,
    Contact,
    Group,
    GroupMembership,
    Household,
    Person,
    PersonStatus,
    Sex,
)
from linli.people.signals import people_changed
from linli.regions.models import Level, Region

EDITABLE = ("name", "ethnicity", "phone", "address", "living", "health", "disability_category",
            "disability_grade", "risk", "relation_to_head", "no_id_reason")


@dataclass
class Registered:
    person: Person
    warnings: list[str] = field(default_factory=list)


def _village(code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is not None and region.level < Level.VILLAGE:
        # only an import leaves someone at the township, to be completed later (issue 10)
        message = _("请选择村(社区),不能只选“%(r)s”") % {"r": region.name}
        raise Invalid(message, details={"region_code": [message]})
    if region is None:
        raise Invalid(_("请选择村(社区)"), details={"region_code": [_("村(社区)不存在")]})
    return region


def _village_in_scope(actor, code: str) -> Region:
    """The village typed into a write (a new person's, or a person's new one): a person
    lives in a 村(社区) inside the actor's scope. Organisation staff have no region scope,
    so they cannot place or move anyone. A region typed as a value is public reference
    data: out of scope is refused naming the field (422), not hidden (404)."""
    if not access_for(actor).can(Perm.EDIT):
        raise NotFound()
    region = _village(code)
    if not access_for(actor).covers(region.code):
        message = _("村(社区)应在您的辖区内")
        raise Invalid(message, details={"region_code": [message]})
    return region


def _check_day(value: date | None, *, field: str, label: str) -> None:
    """A date of something that has happened: within 1900–2100 and not after today."""
    check_date(value, field=field, label=label)
    if value is not None and value > timezone.localdate():
        message = _("%(f)s不能晚于今天") % {"f": label}
        raise Invalid(message, details={field: [message]})


def _can_edit(actor, region_code: str, person: Person | None = None) -> bool:
    access = access_for(actor)
    if not access.can(Perm.EDIT):
        return False
    if person is not None and person.organisation_id in access.organisation_ids:
        return True
    return access.covers(region_code)


def id_number_clash(*, actor, id_hash: str, exclude_pk: int | None = None) -> str | None:
    """The reason a number cannot be registered again, without revealing another region's
    record to the importer."""
    other = Person.objects.filter(id_hash=id_hash).exclude(pk=exclude_pk).first()
    if other is None:
        return None
    access = access_for(actor)
    if access.covers(other.region_code):
        return _("该身份证号已登记为“%(n)s”(%(r)s)") % {"n": other.name,
                                                    "r": other.region.path.split("/")[-1]}
    if any(code.startswith(other.region_code) for code in access.region_codes):
        # an import left them at the actor's own township, out of a village's sight
        return _("该身份证号已登记在“%(t)s”,村(社区)待补充,请联系乡镇(街道)补全其村(社区)") % {
            "t": other.region.name}
    return _("该身份证号已在其他地区登记,请联系上级民政部门核实")


def _set_identity(person: Person, id_number: str | None, no_id_reason: str,
                  birth_date: date | None, sex: str | None, warnings: list[str]) -> None:
    if id_number:
        try:
            number = identity.parse(id_number)
        except identity.InvalidIdNumber as error:
            raise Invalid(str(error), details={"id_number": [str(error)]}) from None
        person.id_encrypted = identity.encrypt(number.value)
        person.id_hash = identity.lookup_hash(number.value)
        person.id_masked = number.masked
        person.no_id_reason = ""
        if birth_date and birth_date != number.birth_date:
            warnings.append(_("填写的出生日期 %(t)s 与身份证号不一致,已按身份证号记为 %(i)s") % {
                "t": birth_date.isoformat(), "i": number.birth_date.isoformat()})
        if sex and sex != number.sex:
            warnings.append(_("填写的性别与身份证号不一致,已按身份证号记录"))
        person.birth_date, person.sex = number.birth_date, number.sex
    else:
        if not no_id_reason.strip():
            raise Invalid(_("没有身份证号时须说明原因"), details={"no_id_reason": [_("必填")]})
        _check_day(birth_date, field="birth_date", label=_("出生日期"))
        if sex and sex not in Sex.values:
            raise Invalid(_("请选择性别"), details={"sex": [_("请选择性别")]})
        person.no_id_reason = no_id_reason.strip()
        person.birth_date, person.sex = birth_date, sex or ""


def refresh_domains(person: Person) -> None:
    """Recompute the person's domains from their current groups, and tell listeners (the
    visit schedule) after the transaction."""
    today = timezone.localdate()
    current = person.group_memberships.filter(started_on__lte=today).exclude(
        ended_on__lt=today).values_list("group__domain", flat=True)
    person.domain_mask = domain_mask(set(current) or {Domain.GENERAL})
    Person.objects.filter(pk=person.pk).update(domain_mask=person.domain_mask)
    changed(person.pk)


def changed(*person_ids: int) -> None:
    transaction.on_commit(lambda: people_changed.send(sender=Person,
                                                      person_ids=list(person_ids)))


def _check_group_domain(actor, group: Group) -> None:
    if not access_for(actor).sees_domain(group.domain):
        raise Forbidden(_("您的权限不包括“%(g)s”类对象") % {"g": group.name})


@transaction.atomic
def person_register(*, actor, name: str, region_code: str, id_number: str = "",
                    no_id_reason: str = "", birth_date: date | None = None,
                    sex: str | None = None, groups: list[dict] | None = None,
                    **fields) -> Registered:
    region = _village_in_scope(actor, region_code)
    if not name.strip():
        raise Invalid(_("请填写姓名"), details={"name": [_("必填")]})
    warnings: list[str] = []
    person = Person(region=region, region_code=region.code)
    _set_identity(person, id_number, no_id_reason, birth_date, sex, warnings)
    if person.id_hash:
        clash = id_number_clash(actor=actor, id_hash=person.id_hash)
        if clash:
            raise Invalid(clash, details={"id_number": [clash]})
    _apply(person, {"name": name, **fields})
    person.save()
    for spec in groups or []:
        group_add(actor=actor, person=person, **spec)
    refresh_domains(person)
    return Registered(person, warnings)


def _apply(person: Person, fields: dict) -> None:
    for key, value in fields.items():
        if key in EDITABLE:
            model_field = Person._meta.get_field(key)
            value = value if value is not None or model_field.null else ""
            _check_value(model_field, key, value)
            setattr(person, key, value)
    if person.ethnicity and person.ethnicity not in ETHNICITIES:
        raise Invalid(_("民族“%(e)s”不在 56 个民族之列") % {"e": person.ethnicity},
                      details={"ethnicity": [_("请选择民族")]})
    person.name = person.name.strip()
    person.name_pinyin, person.name_initials = pinyin_keys(person.name)


def _check_value(model_field, key: str, value) -> None:
    """A value outside the field's choices or longer than its column is refused naming
    the field (PostgreSQL would answer a too-long value with a 500)."""
    label = model_field.verbose_name
    if model_field.choices and value not in (None, "") and value not in {
            choice for choice, _label in model_field.choices}:
        message = _("%(f)s无效,请从列表中选择") % {"f": label}
        raise Invalid(message, details={key: [message]})
    limit = getattr(model_field, "max_length", None)
    if limit and isinstance(value, str) and len(value) > limit:
        message = _("%(f)s不能超过 %(n)d 个字") % {"f": label, "n": limit}
        raise Invalid(message, details={key: [message]})


def _check_values(model, **values) -> None:
    for key, value in values.items():
        _check_value(model._meta.get_field(key), key, value)


@transaction.atomic
def person_update(*, actor, person: Person, version: int, region_code: str | None = None,
                  **fields) -> Person:
    """A second clerk saving an older version is refused with a clear message."""
    if not _can_edit(actor, person.region_code, person):
        raise NotFound()
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.version != version:
        raise Conflict(_("该对象已被他人修改,请刷新后再编辑(您的修改未保存)"))
    if locked.status != PersonStatus.ACTIVE:
        raise IllegalTransition(_("已销册的对象不能修改"))
    if region_code and region_code.strip() != locked.region_code:
        region = _village_in_scope(actor, region_code)
        locked.region, locked.region_code = region, region.code
    _apply(locked, fields)
    locked.version += 1
    locked.save()
    changed(locked.pk)  # the risk level may change the visit frequency
    return locked


@transaction.atomic
def person_close(*, actor, person: Person, reason: str, on: date | None = None) -> Person:
    if not _can_edit(actor, person.region_code, person):
        raise NotFound()
    if person.status != PersonStatus.ACTIVE:
        raise IllegalTransition(_("该对象已销册"))
    if reason not in CloseReason.values:
        raise Invalid(_("请选择销册原因"), details={"reason": [_("请选择销册原因")]})
    _check_day(on, field="on", label=_("销册日期"))
    person.status, person.close_reason = PersonStatus.CLOSED, reason
    person.closed_on = on or timezone.localdate()
    person.version += 1
    person._change_reason = reason
    person.save()
    person.group_memberships.filter(ended_on__isnull=True).update(ended_on=person.closed_on)
    changed(person.pk)
    return person


@transaction.atomic
def group_add(*, actor, person: Person, code: str, started_on: date | None = None,
              source: str = "", criterion: str = "") -> GroupMembership:
    if not _can_edit(actor, person.region_code, person):
        raise NotFound()
    group = Group.objects.filter(code=code).first()
    if group is None:
        raise Invalid(_("未知的类别“%(c)s”") % {"c": code})
    _check_group_domain(actor, group)
    _check_day(started_on, field="started_on", label=_("起始日期"))
    if group.needs_criterion and not criterion:
        raise Invalid(_("“%(g)s”须注明认定情形") % {"g": group.name},
                      details={"criterion": [_("必填")]})
    if person.group_memberships.filter(group=group, ended_on__isnull=True).exists():
        raise Invalid(_("已在“%(g)s”类别中") % {"g": group.name})
    membership = GroupMembership.objects.create(
        person=person, group=group, started_on=started_on or timezone.localdate(),
        source=source, criterion=criterion)
    refresh_domains(person)
    return membership


@transaction.atomic
def group_end(*, actor, membership: GroupMembership, ended_on: date | None = None
              ) -> GroupMembership:
    if not _can_edit(actor, membership.person.region_code, membership.person):
        raise NotFound()
    _check_group_domain(actor, membership.group)
    if membership.ended_on is not None:
        raise IllegalTransition(_("该类别认定已终止"))
    check_date(ended_on, field="ended_on", label=_("终止日期"))
    if ended_on is not None and ended_on < membership.started_on:
        raise Invalid(_("终止日期不能早于起始日期"))
    membership.ended_on = ended_on or timezone.localdate()
    membership.save(update_fields=["ended_on"])
    refresh_domains(membership.person)
    return membership


def contact_add(*, actor, person: Person, name: str, relation: str, phone: str = "",
                is_guardian: bool = False) -> Contact:
    if not _can_edit(actor, person.region_code, person):
        raise NotFound()
    _check_values(Contact, name=name, relation=relation, phone=phone)
    return Contact.objects.create(person=person, name=name.strip(), relation=relation.strip(),
                                  phone=phone.strip(), is_guardian=is_guardian)


def consent_record(*, actor, person: Person, purpose: str, given_by: str, relation: str,
                   given_on: date) -> Consent:
    """PIPL Art. 31: for a child under 14 the guardian consents, not the child."""
    if not _can_edit(actor, person.region_code, person):
        raise NotFound()
    _check_day(given_on, field="given_on", label=_("同意日期"))
    _check_values(Consent, purpose=purpose, given_by=given_by, relation=relation)
    age = person.age(given_on)
    if age is not None and age < 14 and relation.strip() in ("", "本人"):
        raise Invalid(_("未满 14 周岁的,须由监护人同意"),
                      details={"relation": [_("请填写监护人关系")]})
    return Consent.objects.create(person=person, purpose=purpose.strip(),
                                  given_by=given_by.strip(), relation=relation.strip() or "本人",
                                  given_on=given_on, recorded_by=actor)


def list_read_log(*, actor, rows, request) -> None:
    """A list page (page or API) that shows a minor or a person of a sensitive group is
    logged as one access-log row for the request — who, which list and filter, how many —
    the way opening one such file is logged; never one row per person. ``rows`` are
    people, or rows carrying a person's birth date and domain mask (visit schedules)."""
    rows = list(rows)
    sensitive = sum(1 for row in rows if selectors.is_sensitive(row))
    if not sensitive:
        return
    access_log_record(
        actor=actor, action=Action.VIEW, request=request, object_type="people.person",
        object_repr=_("%(p)s %(n)d 人(含未成年人或敏感人群 %(s)d 人)") % {
            "p": request.path, "n": len(rows), "s": sensitive},
        reason=(_("列表查询") + " " + request.GET.urlencode())[:200])


def id_number_reveal(*, actor, person: Person, reason: str, request=None) -> str:
    """The full number, for a user allowed to see it, with the reason written to the
    access log."""
    if not access_for(actor).can(Perm.REVEAL_ID):
        raise Forbidden(_("您没有查看完整身份证号的权限"))
    if not reason.strip():
        raise Invalid(_("请填写查看事由"), details={"reason": [_("必填")]})
    if not person.id_encrypted:
        raise Invalid(_("该对象没有登记身份证号"))
    access_log_record(actor=actor, action=Action.REVEAL, obj=person, reason=reason.strip(),
                      request=request)
    return identity.decrypt(person.id_encrypted)


@transaction.atomic
def household_link(*, actor, person: Person, other: Person, relation: str) -> Household:
    """Put a person in the household of another (the other becomes 户主 of a new one)."""
    for someone in (person, other):
        if not _can_edit(actor, someone.region_code, someone):
            raise NotFound()
    if person.pk == other.pk:
        raise Invalid(_("不能与自己同户"))
    if not relation.strip():
        raise Invalid(_("请填写与户主关系"), details={"relation": [_("必填")]})
    # a household lives at one address, in one 村(社区)
    for someone in (person, other):
        if someone.region.level < Level.VILLAGE:  # left at the township by an import
            raise Invalid(_("“%(n)s”的村(社区)待补充,请先补全再登记同户关系") % {
                "n": someone.name})
    if person.region_code != other.region_code:
        raise Invalid(_("同户成员须登记在同一村(社区)"))
    household = other.household
    if household is None:
        household = Household.objects.create(region=other.region,
                                             region_code=other.region_code,
                                             address=other.address)
        Person.objects.filter(pk=other.pk).update(household=household, relation_to_head="户主")
    person.household, person.relation_to_head = household, relation.strip()
    person.save(update_fields=["household", "relation_to_head", "updated_at"])
    return household


@transaction.atomic
def person_assign(*, actor, person: Person, organisation_id: int | None = None,
                  volunteer_ids: list[int] | None = None,
                  children_director_id: int | None = None) -> Person:
    """Assign the responsible organisation, the paired volunteers and — for a child — the
    village's 儿童主任; each must be visible to the actor and work where the person lives."""
    from linli.accounts.models import Membership
    from linli.accounts.roles import Role
    from linli.orgs.selectors import organisation_get, volunteer_list
    from linli.orgs.services import check_serves

    if not _can_edit(actor, person.region_code, person):
        raise NotFound()
    check_id(organisation_id, field="organisation_id", label=_("责任社会组织"))
    check_id(children_director_id, field="children_director_id", label=_("儿童主任"))
    for pk in volunteer_ids or []:
        check_id(pk, field="volunteer_ids", label=_("结对志愿者"))
    organisation = None
    if organisation_id is not None:
        organisation = organisation_get(actor=actor, pk=organisation_id)
        check_serves(organisation, person.region, field="organisation_id",
                     label=_("责任社会组织"))
    volunteers = list(volunteer_list(actor=actor).filter(pk__in=volunteer_ids or []))
    if len(volunteers) != len(set(volunteer_ids or [])):
        raise Invalid(_("所选志愿者不存在或不在您的辖区内"))
    director = None
    if children_director_id is not None:
        director = Membership.objects.filter(
            user_id=children_director_id, role=Role.VILLAGE_STAFF, is_active=True,
            region_code=person.region_code).select_related("user").first()
        if director is None:
            raise Invalid(_("儿童主任须是本村(社区)的工作人员"))
        if (person.age() or 99) >= 18:
            raise Invalid(_("只有未成年人需要指定儿童主任"))
    person.organisation = organisation
    person.children_director = director.user if director else None
    person.version += 1
    person.save(update_fields=["organisation", "children_director", "version", "updated_at"])
    person.volunteers.set(volunteers)
    changed(person.pk)
    return person
