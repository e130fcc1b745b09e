"""Import of a roster of people in care (关爱对象花名册) — the main way data arrives.

Rows are checked in chunks (database look-ups batched) and saved in bulk, with history,
so a 100,000-row roster is practical; the natural key is the identity number (its keyed
hash), or name + village + birth date for people without one.

Where a row lives comes from its 村(社区) column, else its address (某某镇某某村3组), else the
sheet's name or title (某某镇), else the file's default township or village (``options``);
a row whose village cannot be found is placed at its township and goes on the
to-complete list. Categories are read through the groups' local wordings (data).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm, domain_mask
from linli.core.errors import Invalid
from linli.core.excel import Column, cell_text, parse_date
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
from linli.regions.lookup import (
    Found,
    NotInScope,
    PlaceIndex,
    RegionLookup,
    address_places,
    plain,
    without_numbers,
)
from linli.regions.models import Level, Region

COLUMNS = [
    Column("name", "姓名", ("对象姓名", "老人姓名", "儿童姓名", "姓 名"), True),
    Column("id_number", "公民身份号码", ("身份证号", "身份证号码", "证件号码", "身份证",
                                         "身份证件号码")),
    Column("sex", "性别"),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "出生时间")),
    Column("ethnicity", "民族"),
    Column("phone", "联系电话", ("电话", "手机", "手机号码", "联系方式")),
    Column("township", "乡镇(街道)", ("乡镇", "街道", "所属乡镇", "乡镇街道", "所属乡镇街道",
                                      "乡(镇)", "所在乡镇", "乡镇(街道办)")),
    # Not required: many rosters say where a person lives only in the address or the title.
    Column("region", "村(社区)", ("村社区", "所在村(社区)", "所属村(社区)", "村", "社区", "所在村",
                                  "村(居)委会", "所属社区", "村(居)", "村居", "行政村", "村委会",
                                  "所在社区", "社区(村)", "村(社区)名称")),
    Column("address", "住址", ("家庭住址", "现住址", "详细地址", "居住地址", "家庭地址", "户籍地址",
                               "地址", "现居住地址")),
    Column("groups", "对象类别", ("类别", "人员类别", "对象类型", "困难类型", "保障类别",
                                  "困境类型", "人员类型", "类型", "困境儿童类型", "困境儿童类别",
                                  "儿童类别", "儿童类型", "老人类别", "老年人类别", "老年人类型",
                                  "保障类型", "救助类别", "困难类别", "特殊困难类型", "分类",
                                  "对象分类")),
    Column("criterion", "认定情形", ("认定类型", "困境情形", "致困原因", "困境原因", "父母情况")),
    Column("living", "居住状况", ("居住情况", "居住状态")),
    Column("disability_category", "残疾类别", ("残疾类型",)),
    Column("disability_grade", "残疾等级", ("残疾级别",)),
    Column("guardian", "监护人", ("监护人姓名", "联系人", "紧急联系人")),
    Column("guardian_phone", "监护人电话", ("监护人联系电话", "联系人电话", "紧急联系人电话")),
]

CRITERION_PENDING = _("认定情形待补充")
# A category cell lists several groups; a separator inside brackets is part of a cause.
_SEPARATORS = re.compile(r"[,,、;;/\s]+(?![^()]*\))")
_CAUSE = re.compile(r"^(.+?)\((.*)\)$")
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
    criteria: dict[str, str] = field(default_factory=dict)  # group code → 认定情形
    guardian: tuple[str, str] | None = None
    warnings: list[str] = field(default_factory=list)
    at_township: bool = False  # placed at the township: its village is to be completed

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
    sensitive_columns = ("id_number",)

    @classmethod
    def allowed(cls, access) -> bool:
        return access.can(Perm.EDIT) and access.sees_personal_data

    def __init__(self, actor, options: dict[str, Any] | None = None):
        """``options`` (from the upload form or the API): ``region`` — the file's default
        township or village (code or name); ``group`` — a group every row belongs to (code
        or name); ``group_values`` — {value as written: group code, or "" to leave it}."""
        super().__init__(actor)
        self.options = options or {}
        self.access = access_for(actor)
        self.regions = RegionLookup(actor, min_level=Level.TOWNSHIP)
        self.places = PlaceIndex(self.regions)
        self.groups = {g.code: g for g in Group.objects.all()}
        self.group_words = {plain(w): g.code for g in self.groups.values() for w in g.words()}
        self.unknown_groups: dict[str, int] = {}  # value → rows, for the preview to list
        self.default = self._option_place(self.options.get("region"))
        self.file_group = self._option_group(self.options.get("group"))
        # A value mapped to a group that does not exist: refused before any row is read.
        if unknown := sorted({code for code in (self.options.get("group_values") or {}).values()
                              if code and code not in self.groups}):
            raise Invalid(_("未知的对象类别代码“%(g)s”") % {"g": "、".join(unknown)},
                          details={"group_values": [_("未知")]})
        self.context = self.default
        self.sheet_name = ""

    def _option_place(self, text) -> Found | None:
        """The file's default township or village: refused at once (Invalid) if it is not
        one of the actor's scope, since every row would be placed by it."""
        if not text:
            return None
        try:
            return self._context_place(str(text), strict=True)
        except ValueError as error:
            raise Invalid(_("默认区划:%(e)s") % {"e": error},
                          details={"region": [str(error)]}) from None

    def _option_group(self, text) -> str:
        if not text:
            return ""
        code = text if text in self.groups else self.group_words.get(plain(str(text)))
        if code is None:
            raise Invalid(_("未知的对象类别“%(g)s”") % {"g": text}, details={"group": [_("未知")]})
        self._check_group(code)
        return code

    def start_sheet(self, sheet) -> None:
        """Called before a sheet's rows: its name — or its title row, when the reader gives
        one — may name the township (or village) its rows live in."""
        self.sheet_name = sheet.name
        self.context = self.default
        for text in (sheet.name, getattr(sheet, "title", "")):
            found = self._context_place(text) if text else None
            if found is not None:
                self.context = found
                break

    def _context_place(self, text: str, *, strict: bool = False) -> Found | None:
        """A township or village named by a sheet, a title (某某镇留守老年人花名册) or the
        default option; None when it names none (Sheet1)."""
        township, village = address_places(text)
        attempts = [(self.places.village, village), (self.places.township, township)]
        if strict or not (township or village):
            attempts += [(self.places.township, text), (self.places.village, text)]
        errors = []
        for find, name in attempts:
            if not name:
                continue
            try:
                return find(name)
            except ValueError as error:
                errors.append(error)
        if strict:
            raise errors[0] if errors else NotInScope(_("请填写乡镇(街道)或村(社区)"))
        return None

    def _check_group(self, code: str) -> None:
        group = self.groups[code]
        if not self.access.sees_domain(group.domain):
            raise ValueError(_("您的权限不包括“%(g)s”类对象") % {"g": group.name})

    def _group_word(self, word: str) -> tuple[str | None, str]:
        """(group code or None, cause in brackets): 困境儿童(因父母重病) → 困境儿童 with
        因父母重病; a wording of the province's list wins over the bracket rule."""
        mapped = self.options.get("group_values") or {}
        if word in mapped:
            return mapped[word] or "", ""
        key = plain(word)
        if key in self.group_words:
            return self.group_words[key], ""
        match = _CAUSE.match(key)
        if match and plain(match.group(1)) in self.group_words:
            return self.group_words[plain(match.group(1))], match.group(2).strip()
        return None, ""

    def _groups(self, value, criterion: str, warnings: list[str]) -> tuple[list, dict]:
        codes: list[str] = [self.file_group] if self.file_group else []
        criteria: dict[str, str] = {}
        unknown = []
        written = re.sub(r"\s+\(", "(", cell_text(value))  # 困境儿童 (因父母重病)
        for word in (w for w in _SEPARATORS.split(written) if w):
            code, cause = self._group_word(word)
            if code is None:
                self.unknown_groups[word] = self.unknown_groups.get(word, 0) + 1
                unknown.append(word)
                continue
            if not code or code in codes:
                continue  # left out on purpose, or written twice
            self._check_group(code)
            codes.append(code)
            if cause:
                criteria[code] = cause
        for code in codes:
            group = self.groups[code]
            criteria[code] = (criteria.get(code) or criterion)[:64]
            if group.needs_criterion and not criteria[code]:
                warnings.append(_("“%(g)s”认定情形待补充,已先行登记") % {"g": group.name})
        if unknown:
            # Refused rather than saved without the group: a child in difficulty saved
            # without it would fall out of the children's domain. The file's options
            # may map the value to a group or leave it (group_values).
            raise ValueError(_("无法识别的对象类别“%(w)s”:请改为系统中的类别名称,或在导入时"
                               "将其对应到某一类别;常用写法可请省厅加入“关爱对象类别”的本地写法")
                             % {"w": "、".join(unknown)})
        return codes, criteria

    def clean(self, values) -> Row:
        text = {key: cell_text(value) for key, value in values.items()}
        if not text.get("name"):
            raise ValueError(_("姓名为空"))
        warnings: list[str] = []
        place, at_township = self._place(text, warnings)
        codes, criteria = self._groups(values.get("groups"), text.get("criterion", ""), warnings)
        row = Row(fields=self._fields(text, values), region=place, groups=codes,
                  criteria=criteria, warnings=warnings, at_township=at_township)
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

    def _place(self, text: dict, warnings: list[str]) -> tuple[Region, bool]:
        """Where the row lives, and whether it is placed at its township only. The
        village is looked for in the 村(社区) column, then the address; the township in
        the 乡镇 column, the 村(社区) column, the address, then the sheet, title or default.
        A village is searched in the whole scope; one that cannot be found leaves the row
        at its township (when one is known), to be completed."""
        typed = text.get("region", "")
        column_township, column_village = address_places(typed)
        address_township, address_village = address_places(text.get("address", ""))
        township, township_error = self._row_township(
            [text.get("township", ""), column_township, address_township], warnings)
        # An address without a place word (中庄三社) may still be a village's bare name.
        bare = "" if address_village else without_numbers(text.get("address", ""))
        villages = [column_village or ("" if column_township else typed), address_village, bare]
        not_found: ValueError | None = None
        for name in dict.fromkeys(v for v in villages if v):
            try:
                found = self.places.village(name, township=township)
            except NotInScope as error:
                if name == bare:
                    continue  # only a guess: 北关街12号 names no village
                if name == typed and (written := self._township_or_none(typed)):
                    # a township (name or code) written in the 村(社区) column
                    township, township_error = written.region, None
                    warnings += written.warnings
                else:
                    not_found = not_found or error
                continue
            warnings += found.warnings
            return found.region, False
        if not_found is None and self.context and self.context.region.level == Level.VILLAGE:
            return self.context.region, False
        if township_error and not township:
            raise township_error
        if township is None:
            if not_found is not None:
                raise not_found
            raise ValueError(_("无法确定所在村(社区):请填写“村(社区)”列、在住址中写明村(社区),"
                               "或为文件指定默认乡镇(街道)"))
        if not_found is not None:
            warnings.append(_("%(e)s,已登记在“%(t)s”,村(社区)待补充") % {
                "e": not_found, "t": township.name})
        else:
            warnings.append(_("未写明村(社区),已登记在“%(t)s”,村(社区)待补充") % {
                "t": township.name})
        return township, True

    def _township_or_none(self, text: str) -> Found | None:
        try:
            return self.places.township(text)
        except ValueError:
            return None

    def _row_township(self, typed: list[str], warnings: list[str]):
        """(township or None, the error of a township typed but not found). A township
        typed in the row wins over the sheet's, the title's and the default."""
        error = None
        for name in typed:
            if not name:
                continue
            try:
                found = self.places.township(name)
            except ValueError as failure:
                error = error or failure
                continue
            warnings += found.warnings
            return found.region, None
        context = self.context
        if context is not None:
            warnings += context.warnings
            region = context.region
            if region.level == Level.VILLAGE:  # its township, when the actor's scope has it
                region = self.regions.by_code.get(region.code[:9])
            return region, error
        return None, error

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
            bulk_update_with_history(changed, Person, [*EDITABLE, "version", "region",
                                                       "region_code"], batch_size=1000,
                                     default_user=user, default_change_reason=_("花名册导入"))
        saved = {r.natural_key: p for r, p in zip(
            (r for r in cleaned if r.natural_key not in existing), new, strict=True)}
        saved |= {r.natural_key: existing[r.natural_key] for r, result in zip(
            cleaned, results, strict=True) if r.natural_key in existing and isinstance(result, str)}
        touched = self._add_groups_and_contacts([r for r in cleaned if r.natural_key in saved],
                                                saved)
        # A row that only adds a group, a criterion or a contact has changed the record too.
        results = ["updated" if result == "unchanged" and saved[row.natural_key].pk in touched
                   else result for row, result in zip(cleaned, results, strict=True)]
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
        if (len(person.region_code) < len(row.region.code)
                and row.region.code.startswith(person.region_code)):
            # a person waiting at the township level, now with their village
            fields["region_code"], person.region_id = row.region.code, row.region.pk
        diff = {k: v for k, v in fields.items() if getattr(person, k) != v}
        for key, value in diff.items():
            setattr(person, key, value)
        if diff:
            person.version += 1
            person.name_pinyin, person.name_initials = pinyin_keys(person.name)
        return bool(diff)

    def _mask(self, codes: list[str]) -> int:
        return domain_mask({self.groups[c].domain for c in codes} or {Domain.GENERAL})

    def _add_groups_and_contacts(self, rows: list[Row], saved: dict) -> set[int]:
        """Add the rows' new groups and guardians (and a criterion or a phone they now
        give); the ids of the people so changed."""
        ids = [p.pk for p in saved.values()]
        have = {(m.person_id, m.group.code): m for m in GroupMembership.objects.filter(
            person_id__in=ids, ended_on__isnull=True).select_related("group")}
        today = timezone.localdate()
        memberships = [GroupMembership(person=saved[r.natural_key], group=self.groups[c],
                                       started_on=today, source=_("花名册导入"),
                                       criterion=r.criteria.get(c, ""))
                       for r in rows for c in r.groups
                       if (saved[r.natural_key].pk, c) not in have]
        bulk_create_with_history(memberships, GroupMembership, batch_size=2000,
                                 default_user=self.actor)
        completed = self._complete_criteria(rows, saved, have)
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
        return touched | completed | self._add_contacts(rows, saved, ids)

    def _complete_criteria(self, rows: list[Row], saved: dict, have: dict) -> set[int]:
        """A criterion now given for a membership imported without one (认定情形待补充)."""
        completed = []
        for row in rows:
            for code, criterion in row.criteria.items():
                membership = have.get((saved[row.natural_key].pk, code))
                if membership is not None and criterion and not membership.criterion:
                    membership.criterion = criterion
                    completed.append(membership)
        if completed:
            bulk_update_with_history(completed, GroupMembership, ["criterion"],
                                     batch_size=1000, default_user=self.actor,
                                     default_change_reason=_("花名册导入"))
        return {m.person_id for m in completed}

    def _add_contacts(self, rows: list[Row], saved: dict, ids: list[int]) -> set[int]:
        """New guardians, and a phone for a guardian saved without one."""
        have = {(c.person_id, c.name): c for c in Contact.objects.filter(
            person_id__in=ids, is_guardian=True)}
        new, phoned = [], []
        for row in rows:
            if not row.guardian:
                continue
            name, phone = row.guardian
            contact = have.get((saved[row.natural_key].pk, name))
            if contact is None:
                contact = Contact(person=saved[row.natural_key], name=name,
                                  relation=_("监护人"), phone=phone, is_guardian=True)
                have[(contact.person.pk, name)] = contact
                new.append(contact)
            elif phone and not contact.phone:
                contact.phone = phone
                phoned.append(contact)
        Contact.objects.bulk_create(new, batch_size=2000)
        Contact.objects.bulk_update(phoned, ["phone"], batch_size=1000)
        return {c.person.pk for c in new} | {c.person_id for c in phoned}

    def _preview_place(self, cleaned: Row) -> tuple[str, str]:
        """The resolved township and village (待补充 for a row placed at its township)."""
        if cleaned.at_township:
            return cleaned.region.name, _("(待补充)")
        township = self.regions.by_code.get(cleaned.region.code[:9])
        return (township.name if township else "", cleaned.region.name)

    def preview_row(self, cleaned: Row) -> list[str]:
        f = cleaned.fields
        names = {c: g.name for c, g in self.groups.items()}
        return [f["name"], identity.mask(cleaned.id_value) if cleaned.id_value else _("无"),
                {"M": _("男"), "F": _("女")}.get(cleaned.sex, ""),
                cleaned.birth_date.isoformat() if cleaned.birth_date else "", f["ethnicity"],
                f["phone"], *self._preview_place(cleaned), f["address"],
                "、".join(names[c] for c in cleaned.groups),
                "、".join(f"{names[c]}:{t or CRITERION_PENDING}"
                         for c, t in cleaned.criteria.items()
                         if t or self.groups[c].needs_criterion),
                Living(f["living"]).label if f["living"] else "",
                DisabilityCategory(f["disability_category"]).label
                if f["disability_category"] else "",
                str(f["disability_grade"] or ""), cleaned.guardian[0] if cleaned.guardian else "",
                cleaned.guardian[1] if cleaned.guardian else ""]
