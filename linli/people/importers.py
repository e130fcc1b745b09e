"""Import of a roster of people in care (关爱对象花名册) — the main way data arrives.

Rows are checked in chunks (database look-ups batched) and saved in bulk, with history,
so a 100,000-row roster is practical; the natural key is the identity number (its keyed
hash), or name + village + birth date for people without one.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm, domain_mask
from linli.core.errors import Invalid
from linli.core.excel import Column, cell_text, parse_date, split_list
from linli.core.importing import Importer, register
from linli.core.pinyin import pinyin_keys
from linli.people import identity
from linli.people.models import (
    ETHNICITIES,
    Contact,
    DisabilityCategory,
    Group,
    GroupMembership,
    Living,
    Person,
)
from linli.people.services import EDITABLE, id_number_clash
from linli.people.services import changed as notify_changed
from linli.regions.lookup import RegionLookup
from linli.regions.models import Level, Region

COLUMNS = [
    Column("name", "姓名", ("对象姓名", "老人姓名", "儿童姓名", "姓 名"), True),
    Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "证件号码", "身份证",
                                         "身份证件号码")),
    Column("sex", "性别"),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "出生时间")),
    Column("ethnicity", "民族"),
    Column("phone", "联系电话", ("电话", "手机", "手机号码", "联系方式")),
    Column("township", "乡镇(街道)", ("乡镇", "街道", "所属乡镇", "乡镇街道", "所属乡镇街道")),
    Column("region", "村(社区)", ("村社区", "所在村(社区)", "所属村(社区)", "村", "社区", "所在村",
                                  "村(居)委会", "所属社区"), True),
    Column("address", "住址", ("家庭住址", "现住址", "详细地址", "居住地址")),
    Column("groups", "对象类别", ("类别", "人员类别", "对象类型", "困难类型", "保障类别")),
    Column("living", "居住状况", ("居住情况", "居住状态")),
    Column("disability_category", "残疾类别", ("残疾类型",)),
    Column("disability_grade", "残疾等级", ("残疾级别",)),
    Column("guardian", "监护人", ("监护人姓名", "联系人", "紧急联系人")),
    Column("guardian_phone", "监护人电话", ("监护人联系电话", "联系人电话", "紧急联系人电话")),
]

# Words clerks write for a group, beside the group's own name.
GROUP_WORDS = {
    "低保": "dibao", "低保户": "dibao", "低保对象": "dibao", "特困": "tekun", "五保": "tekun",
    "特困供养": "tekun", "低保边缘": "dibao_edge", "返贫致贫": "poverty_monitoring",
    "监测对象": "poverty_monitoring", "独居老人": "elderly_alone", "独居": "elderly_alone",
    "空巢老人": "elderly_empty_nest", "空巢": "elderly_empty_nest",
    "留守老人": "elderly_left_behind",
    "失能老人": "elderly_disabled", "失能": "elderly_disabled", "高龄": "elderly_advanced_age",
    "高龄老人": "elderly_advanced_age", "计生特殊家庭": "elderly_family_planning",
    "孤儿": "orphan", "事实无人抚养": "de_facto_unsupported", "留守儿童": "left_behind_child",
    "残疾人": "disabled", "残疾": "disabled", "留守妇女": "women_left_behind",
}
LIVING_WORDS = {label: value for value, label in Living.choices} | {
    "独居老人": Living.ALONE, "子女同住": Living.WITH_CHILDREN, "与配偶": Living.WITH_SPOUSE}
DISABILITY_WORDS = {label: value for value, label in DisabilityCategory.choices if value} | {
    label.replace("残疾", ""): value for value, label in DisabilityCategory.choices if value}
GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "一": 1, "二": 2, "三": 3, "四": 4}


@dataclass
class Row:
    fields: dict
    region: Region
    id_value: str = ""
    id_hash: str = ""
    birth_date: date | None = None
    sex: str = ""
    groups: list[str] = field(default_factory=list)
    guardian: tuple[str, str] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def natural_key(self):
        return self.id_hash or (self.fields["name"], self.region.code, self.birth_date)


@register
class PeopleImporter(Importer):
    kind = "people"
    title = _("关爱对象花名册")
    columns = COLUMNS
    permission = Perm.EDIT
    domain = Domain.GENERAL

    @classmethod
    def allowed(cls, access) -> bool:
        return access.can(Perm.EDIT) and access.sees_personal_data

    def __init__(self, actor):
        super().__init__(actor)
        self.access = access_for(actor)
        self.regions = RegionLookup(actor, min_level=Level.TOWNSHIP)
        self.groups = {g.code: g for g in Group.objects.all()}
        self.group_words = {g.name: g.code for g in self.groups.values()} | GROUP_WORDS

    def _groups(self, value) -> list[str]:
        codes = []
        for word in split_list(value):
            code = self.group_words.get(word)
            if code is None:
                raise ValueError(_("无法识别的对象类别“%(w)s”") % {"w": word})
            if not self.access.sees_domain(self.groups[code].domain):
                raise ValueError(_("您的权限不包括“%(g)s”类对象") % {"g": self.groups[code].name})
            if self.groups[code].needs_criterion:
                raise ValueError(_("“%(g)s”须注明认定情形,请在系统中逐人登记") % {
                    "g": self.groups[code].name})
            codes.append(code)
        return codes

    def clean(self, values) -> Row:
        text = {key: cell_text(value) for key, value in values.items()}
        if not text.get("name"):
            raise ValueError(_("姓名为空"))
        township = (self.regions.find(text["township"], level=Level.TOWNSHIP)
                    if text.get("township") else None)
        if not text.get("region"):
            raise ValueError(_("村(社区)为空"))
        region = self.regions.find(text["region"], within=township.code if township else "",
                                   level=Level.VILLAGE)
        row = Row(fields=self._fields(text, values), region=region,
                  groups=self._groups(values.get("groups")))
        if not row.groups and not self.access.sees_domain(Domain.GENERAL):
            raise ValueError(_("请填写对象类别"))
        typed_birth = parse_date(values.get("birth_date"))
        typed_sex = {"男": "M", "女": "F"}.get(text.get("sex", ""), "")
        if text.get("id_number") or values.get("id_number") not in (None, ""):
            try:
                number = identity.parse(values.get("id_number"))
            except identity.InvalidIdNumber as error:
                raise ValueError(str(error)) from None
            row.id_value, row.id_hash = number.value, identity.lookup_hash(number.value)
            row.birth_date, row.sex = number.birth_date, number.sex
            if typed_birth and typed_birth != number.birth_date:
                row.warnings.append(_("出生日期与身份证号不一致,按身份证号记录"))
        else:
            row.birth_date, row.sex = typed_birth, typed_sex
            row.fields["no_id_reason"] = _("花名册未填写身份证号")
        if text.get("guardian"):
            row.guardian = (text["guardian"], text.get("guardian_phone", ""))
        return row

    def _fields(self, text: dict, values: dict) -> dict:
        ethnicity = text.get("ethnicity", "")
        if ethnicity and not ethnicity.endswith("族"):
            ethnicity += "族"
        if ethnicity and ethnicity not in ETHNICITIES:
            raise ValueError(_("民族“%(e)s”不在 56 个民族之列") % {"e": text["ethnicity"]})
        living = text.get("living", "")
        if living and living not in LIVING_WORDS:
            raise ValueError(_("无法识别的居住状况“%(l)s”") % {"l": living})
        category = text.get("disability_category", "")
        if category and category not in DISABILITY_WORDS:
            raise ValueError(_("无法识别的残疾类别“%(c)s”") % {"c": category})
        grade = text.get("disability_grade", "").replace("级", "级")
        if grade and grade not in GRADES:
            raise ValueError(_("残疾等级应为一级至四级"))
        return {"name": text["name"], "ethnicity": ethnicity, "phone": text.get("phone", ""),
                "address": text.get("address", ""), "living": LIVING_WORDS.get(living, ""),
                "disability_category": DISABILITY_WORDS.get(category, ""),
                "disability_grade": GRADES.get(grade), "no_id_reason": ""}

    def key(self, cleaned: Row):
        return cleaned.natural_key

    def check_batch(self, cleaned: list[Row]) -> dict[int, str]:
        """A number already registered in another region: refuse, without saying where."""
        hashes = {r.id_hash for r in cleaned if r.id_hash}
        elsewhere = set(Person.objects.filter(id_hash__in=hashes).exclude(
            self.access.region_q()).values_list("id_hash", flat=True))
        return {i: id_number_clash(actor=self.actor, id_hash=r.id_hash)
                for i, r in enumerate(cleaned) if r.id_hash in elsewhere}

    def _existing(self, rows: list[Row]) -> dict:
        hashes = [r.id_hash for r in rows if r.id_hash]
        found = {p.id_hash: p for p in Person.objects.filter(id_hash__in=hashes)}
        without = [r for r in rows if not r.id_hash]
        if without:
            query = Q(pk__in=[])
            for r in without:
                query |= Q(name=r.fields["name"], region_code=r.region.code,
                           birth_date=r.birth_date, id_hash="")
            found |= {(p.name, p.region_code, p.birth_date): p
                      for p in Person.objects.filter(query)}
        return found

    def commit_batch(self, cleaned: list[Row]) -> list:
        existing = self._existing(cleaned)
        new, changed, results = [], [], []
        for row in cleaned:
            person = existing.get(row.natural_key)
            if person is None:
                new.append(self._new_person(row))
                results.append("created")
            elif not self.access.covers(person.region_code):
                results.append(Invalid(id_number_clash(actor=self.actor, id_hash=person.id_hash)))
            elif self._update(person, row):
                changed.append(person)
                results.append("updated")
            else:
                results.append("unchanged")
        user = self.actor
        bulk_create_with_history(new, Person, batch_size=1000, default_user=user,
                                 default_change_reason=_("花名册导入"))
        if changed:
            bulk_update_with_history(changed, Person, [*EDITABLE, "version"], batch_size=1000,
                                     default_user=user, default_change_reason=_("花名册导入"))
        saved = {r.natural_key: p for r, p in zip(
            (r for r in cleaned if r.natural_key not in existing), new, strict=True)}
        saved |= {r.natural_key: existing[r.natural_key] for r, result in zip(
            cleaned, results, strict=True) if r.natural_key in existing and isinstance(result, str)}
        self._add_groups_and_contacts([r for r in cleaned if r.natural_key in saved], saved)
        notify_changed(*[p.pk for p in saved.values()])
        return results

    def _new_person(self, row: Row) -> Person:
        full, initials = pinyin_keys(row.fields["name"])
        person = Person(region=row.region, region_code=row.region.code, name_pinyin=full,
                        name_initials=initials, birth_date=row.birth_date, sex=row.sex,
                        domain_mask=self._mask(row.groups))
        if row.id_value:
            person.id_encrypted = identity.encrypt(row.id_value)
            person.id_hash, person.id_masked = row.id_hash, identity.mask(row.id_value)
        for key, value in row.fields.items():
            setattr(person, key, value)
        return person

    def _update(self, person: Person, row: Row) -> bool:
        fields = {k: v for k, v in row.fields.items() if v not in ("", None)}
        fields.pop("no_id_reason", None)
        diff = {k: v for k, v in fields.items() if getattr(person, k) != v}
        for key, value in diff.items():
            setattr(person, key, value)
        if diff:
            person.version += 1
            person.name_pinyin, person.name_initials = pinyin_keys(person.name)
        return bool(diff)

    def _mask(self, codes: list[str]) -> int:
        return domain_mask({self.groups[c].domain for c in codes} or {Domain.GENERAL})

    def _add_groups_and_contacts(self, rows: list[Row], saved: dict) -> None:
        ids = [p.pk for p in saved.values()]
        have = set(GroupMembership.objects.filter(person_id__in=ids, ended_on__isnull=True)
                   .values_list("person_id", "group__code"))
        today = timezone.localdate()
        memberships = [GroupMembership(person=saved[r.natural_key], group=self.groups[c],
                                       started_on=today, source=_("花名册导入"))
                       for r in rows for c in r.groups
                       if (saved[r.natural_key].pk, c) not in have]
        bulk_create_with_history(memberships, GroupMembership, batch_size=2000,
                                 default_user=self.actor)
        touched = {m.person_id for m in memberships}
        if touched:
            current = {}
            for person_id, domain in GroupMembership.objects.filter(
                    person_id__in=touched, ended_on__isnull=True).values_list(
                    "person_id", "group__domain"):
                current.setdefault(person_id, set()).add(domain)
            people = [p for p in saved.values() if p.pk in touched]
            for person in people:
                person.domain_mask = domain_mask(current.get(person.pk) or {Domain.GENERAL})
            Person.objects.bulk_update(people, ["domain_mask"], batch_size=1000)
        have_contacts = set(Contact.objects.filter(person_id__in=ids, is_guardian=True)
                            .values_list("person_id", "name"))
        Contact.objects.bulk_create([
            Contact(person=saved[r.natural_key], name=r.guardian[0], relation=_("监护人"),
                    phone=r.guardian[1], is_guardian=True)
            for r in rows if r.guardian and (saved[r.natural_key].pk, r.guardian[0])
            not in have_contacts], batch_size=2000)

    def preview_row(self, cleaned: Row) -> list[str]:
        f = cleaned.fields
        names = {c: g.name for c, g in self.groups.items()}
        return [f["name"], identity.mask(cleaned.id_value) if cleaned.id_value else _("无"),
                {"M": _("男"), "F": _("女")}.get(cleaned.sex, ""),
                cleaned.birth_date.isoformat() if cleaned.birth_date else "", f["ethnicity"],
                f["phone"], cleaned.region.parent.name if cleaned.region.parent_id else "",
                cleaned.region.name, f["address"], "、".join(names[c] for c in cleaned.groups),
                Living(f["living"]).label if f["living"] else "",
                DisabilityCategory(f["disability_category"]).label
                if f["disability_category"] else "",
                str(f["disability_grade"] or ""), cleaned.guardian[0] if cleaned.guardian else "",
                cleaned.guardian[1] if cleaned.guardian else ""]
