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

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm
from linli.core.errors import Invalid
from linli.core.excel import Column, cell_text, parse_date
from linli.core.importing import Importer, Problems, register
from linli.people import identity
from linli.people.models import (
    ETHNICITIES,
    DisabilityCategory,
    Group,
    Living,
)
from linli.people.saving import RosterSaving
from linli.regions.lookup import (
    Ambiguous,
    Found,
    NotInScope,
    PlaceIndex,
    RegionLookup,
    address_places,
    place_label,
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

CRITERION_PENDING = gettext_lazy("认定情形待补充")
# A category cell lists several groups; a separator inside brackets is part of a cause.
_SEPARATORS = re.compile(r"[,,、;;/\s]+(?![^()]*\))")
_CAUSE = re.compile(r"^(.+?)\((.*)\)$")
LIVING_WORDS = {label: value for value, label in Living.choices} | {
    "独居老人": Living.ALONE, "子女同住": Living.WITH_CHILDREN, "与配偶": Living.WITH_SPOUSE}
DISABILITY_WORDS = {label: value for value, label in DisabilityCategory.choices if value} | {
    label.replace("残疾", ""): value for value, label in DisabilityCategory.choices if value}
GRADES = {"一级": 1, "二级": 2, "三级": 3, "四级": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "一": 1, "二": 2, "三": 3, "四": 4}
# A birth date typed to the month (1948.1, 1948年1月, 194801) or the year only: it agrees
# with the number's date when the month (or year) does.
_MONTH_ONLY = re.compile(r"[0-9]{4}(?:[-/.年][0-9]{1,2}月?|[0-9]{2})")
_YEAR_ONLY = re.compile(r"[0-9]{4}年?")
QUESTIONS = 100  # values of one question listed, the most rows first
# A row's plain fields (PeopleImporter._fields), in the order a packed row lists them.
_FIELDS = ("name", "ethnicity", "phone", "address", "living", "disability_category",
           "disability_grade", "no_id_reason")
MEMO = 1 << 16  # distinct cell values whose reading is remembered during one file


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


@dataclass
class _Asked:
    """A name several places answer to: the rows that wrote it and every place it may
    mean (for the pick-once question)."""

    rows: int = 0
    candidates: dict[str, Region] = field(default_factory=dict)


def _most(counts: dict, rows=lambda v: v) -> list:
    """(value, count) with the most rows first, at most QUESTIONS of them."""
    return sorted(counts.items(), key=lambda item: -rows(item[1]))[:QUESTIONS]


def _agrees(typed: date, born: date, written: str) -> bool:
    """Whether a typed birth date agrees with the number's, to the precision it was typed:
    1948.1 agrees with a number born on 15 January 1948."""
    if _YEAR_ONLY.fullmatch(written):
        return typed.year == born.year
    if _MONTH_ONLY.fullmatch(written):
        return (typed.year, typed.month) == (born.year, born.month)
    return typed == born


def _village_names(typed: str, column_township: str, column_village: str, address: str):
    """(name, only a guess) for each way the row may write its village, in order, once
    each: the 村(社区) column, then (read only when needed) the village of the address, or
    an address without a place word (中庄三社) taken as a village's bare name."""
    first = column_village or ("" if column_township else typed)
    if first:
        yield first, False
    if not address:
        return
    village = address_places(address)[1]
    if village and village != first:
        yield village, False
    bare = "" if village else without_numbers(address)
    if bare and bare != first:
        yield bare, True


@register
class PeopleImporter(RosterSaving, Importer):
    kind = "people"
    title = gettext_lazy("关爱对象花名册")
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
        or name); ``group_values`` — {value as written: group code, or "" to leave it};
        ``places`` — {name as written: region code}, the pick for a name several places
        of the scope answer to (one of them, or the file is refused)."""
        super().__init__(actor)
        self.options = options or {}
        self.access = access_for(actor)
        self.regions = RegionLookup(actor, min_level=Level.TOWNSHIP)
        self.places = PlaceIndex(self.regions)
        self._option_places(self.options.get("places"))
        self.groups = {g.code: g for g in Group.objects.all()}
        self.group_words = {plain(w): g.code for g in self.groups.values() for w in g.words()}
        self.unknown_groups: dict[str, int] = {}  # value → rows, for the preview to list
        self.unknown_places: dict[str, _Asked] = {}  # ambiguous name → rows, candidates
        self.default = self._option_place(self.options.get("region"))
        self.file_group = self._option_group(self.options.get("group"))
        # A value mapped to a group that does not exist: refused before any row is read.
        if unknown := sorted({code for code in (self.options.get("group_values") or {}).values()
                              if code and code not in self.groups}):
            raise Invalid(_("未知的对象类别代码“%(g)s”") % {"g": "、".join(unknown)},
                          details={"group_values": [_("未知")]})
        self.context = self.default
        self.sheet_name = ""
        self.today = timezone.localdate()
        # What a cell's value reads as, worked out once per distinct value of the file.
        self._group_memo: dict[tuple, tuple] = {}
        self._date_memo: dict[Any, date | ValueError | None] = {}
        self._init_saving()

    def _option_places(self, picks) -> None:
        """The user's pick for each ambiguous name: one of the places of the actor's scope
        that the name may mean, or the file is refused (Invalid) naming the wrong ones."""
        if not picks:
            return
        refused = []
        for name, code in (picks.items() if isinstance(picks, dict) else ()):
            try:
                self.places.pick(str(name), str(code))
            except ValueError as error:
                refused.append(str(error))
        if refused or not isinstance(picks, dict):
            refused = refused or [_("格式有误")]
            raise Invalid(_("村(社区)的选择有误:%(e)s") % {"e": refused[0]},
                          details={"places": refused})

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

    # --- the questions the user answers once for the whole file ---------------------

    def questions(self) -> dict[str, list[dict]]:
        """After the preview's pass: the category values not understood and the names
        several places answer to, each once with its rows (the most first) — answered in
        ``options["group_values"]`` and ``options["places"]``."""
        return {
            "group_values": [{"value": value, "rows": rows}
                             for value, rows in _most(self.unknown_groups)],
            "places": [{"value": value, "rows": asked.rows, "candidates": [
                {"code": code, "label": place_label(region, asked.candidates.values())}
                for code, region in sorted(asked.candidates.items())]}
                for value, asked in _most(self.unknown_places, lambda a: a.rows)],
        }

    def choices_for(self, question: str) -> list[tuple[str, str]]:
        """A category value may be mapped to any group the actor's domains hold."""
        if question != "group_values":
            return []
        return [(code, group.name) for code, group in self.groups.items()
                if self.access.sees_domain(group.domain)]

    def _ask_place(self, error: Ambiguous) -> None:
        asked = self.unknown_places.setdefault(error.value, _Asked())
        asked.rows += 1
        for region in error.candidates:
            asked.candidates.setdefault(region.code, region)

    # --- one row ---------------------------------------------------------------------

    def clean(self, values) -> Row:
        """The row ready to save, or RowProblems with every error of it at once (and the
        warnings met on the way). Written for speed: it runs for every row of the preview
        and again for every row of the commit."""
        text = {key: cell_text(value) for key, value in values.items()}
        problems, warnings = Problems(), []
        errors = problems.errors
        if not text.get("name"):
            errors.append(_("姓名为空"))
        fields = self._fields(text, errors)
        place, at_township = None, False
        try:
            place, at_township = self._place(text, warnings)
        except Ambiguous as error:
            self._ask_place(error)
            errors.append(str(error))
        except ValueError as error:
            errors.append(str(error))
        codes, criteria = self._groups(text.get("groups", ""), text.get("criterion", ""),
                                       warnings, errors)
        row = Row(fields=fields, region=place, groups=codes, criteria=criteria,
                  warnings=warnings, at_township=at_township)
        self._identity(row, text, values, errors)
        if text.get("guardian"):
            row.guardian = (text["guardian"], text.get("guardian_phone", ""))
        if errors:
            problems.warnings += warnings
            problems.raise_if_any()
        return row

    def _identity(self, row: Row, text: dict, values: dict, errors: list[str]) -> None:
        """The number's value, keyed hash, birth date and sex; or the typed ones."""
        try:
            typed_birth = self._date(values.get("birth_date"))
        except ValueError as error:
            errors.append(str(error))
            typed_birth = None
        if text.get("id_number") or values.get("id_number") not in (None, ""):
            try:
                number = identity.parse(values.get("id_number"), today=self.today)
            except identity.InvalidIdNumber as error:
                errors.append(str(error))
                return
            row.id_value, row.id_hash = number.value, identity.lookup_hash(number.value)
            row.birth_date, row.sex = number.birth_date, number.sex
            if typed_birth and typed_birth != number.birth_date and not _agrees(
                    typed_birth, number.birth_date, text.get("birth_date", "")):
                row.warnings.append(_("出生日期与身份证号不一致,按身份证号记录"))
        else:
            row.birth_date = typed_birth
            row.sex = {"男": "M", "女": "F"}.get(text.get("sex", ""), "")
            row.fields["no_id_reason"] = _("花名册未填写身份证号")

    def _date(self, value) -> date | None:
        """parse_date, once per distinct value (a roster repeats its birth months)."""
        try:
            found = self._date_memo.get(value, self)
        except TypeError:  # not hashable
            return parse_date(value)
        if found is self:
            try:
                found = parse_date(value)
            except ValueError as error:
                found = error
            if len(self._date_memo) < MEMO:
                self._date_memo[value] = found
        if isinstance(found, ValueError):
            raise found.with_traceback(None)
        return found

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

    def _groups(self, written: str, criterion: str, warnings: list[str],
                errors: list[str]) -> tuple[list, dict]:
        """The row's groups and their criteria; its unknown values are counted (each once
        for the row) and refuse the row, as does a group outside the actor's domains."""
        key = (written, criterion)
        read = self._group_memo.get(key)
        if read is None:
            read = self._read_groups(written, criterion)
            if len(self._group_memo) < MEMO:
                self._group_memo[key] = read
        codes, criteria, pending, unknown, refused = read
        warnings += pending
        for word in unknown:
            count = self.unknown_groups.get(word)
            if count is not None:
                self.unknown_groups[word] = count + 1
            elif len(self.unknown_groups) < MEMO:  # a file of junk stays bounded
                self.unknown_groups[word] = 1
        if refused:
            errors.append(refused)
        return list(codes), dict(criteria)

    def _read_groups(self, written: str, criterion: str) -> tuple:
        """(codes, criteria, warnings, unknown values, the reason the row is refused)."""
        codes: list[str] = [self.file_group] if self.file_group else []
        criteria: dict[str, str] = {}
        unknown: list[str] = []
        written = re.sub(r"\s+\(", "(", written)  # 困境儿童 (因父母重病)
        try:
            for word in (w for w in _SEPARATORS.split(written) if w):
                code, cause = self._group_word(word)
                if code is None:
                    unknown.append(word)
                    continue
                if not code or code in codes:
                    continue  # left out on purpose, or written twice
                self._check_group(code)
                codes.append(code)
                if cause:
                    criteria[code] = cause
        except ValueError as error:
            return (), {}, (), tuple(dict.fromkeys(unknown)), str(error)
        if not codes and not self.access.sees_domain(Domain.GENERAL):
            return (), {}, (), (), _("请填写对象类别")
        pending = []
        for code in codes:
            group = self.groups[code]
            criteria[code] = (criteria.get(code) or criterion)[:64]
            if group.needs_criterion and not criteria[code]:
                pending.append(_("“%(g)s”认定情形待补充,已先行登记") % {"g": group.name})
        unknown = list(dict.fromkeys(unknown))
        if unknown:
            # Refused rather than saved without the group: a child in difficulty saved
            # without it would fall out of the children's domain. The file's options
            # may map the value to a group or leave it (group_values).
            return (), {}, (), tuple(unknown), _(
                "无法识别的对象类别“%(w)s”:请改为系统中的类别名称,或在导入时将其对应到某一类别;"
                "常用写法可请省厅加入“关爱对象类别”的本地写法") % {"w": "、".join(unknown)}
        return tuple(codes), criteria, tuple(pending), (), ""

    def _place(self, text: dict, warnings: list[str]) -> tuple[Region, bool]:
        """Where the row lives, and whether it is placed at its township only. The
        village is looked for in the 村(社区) column, then the address; the township in
        the 乡镇 column, the 村(社区) column, the address, then the sheet, title or default.
        A village is searched in the whole scope; one that cannot be found leaves the row
        at its township (when one is known), to be completed. The address is read only
        when the columns do not say (most rows of most rosters)."""
        typed, address = text.get("region", ""), text.get("address", "")
        column_township, column_village = address_places(typed) if typed else ("", "")
        township, township_error = self._row_township(
            (text.get("township", ""), column_township), address, warnings)
        not_found: ValueError | None = None
        for name, guess in _village_names(typed, column_township, column_village, address):
            try:
                found = self.places.village(name, township=township)
            except NotInScope as error:
                if guess:
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

    def _row_township(self, typed: tuple[str, ...], address: str, warnings: list[str]):
        """(township or None, the error of a township typed but not found). A township
        typed in the row (its columns, then its address, read only when they give none)
        wins over the sheet's, the title's and the default."""
        found, error = self._first_township(typed)
        if found is None and address:
            found, later = self._first_township((address_places(address)[0],))
            error = error or later
        if found is not None:
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

    def _first_township(self, names) -> tuple[Found | None, ValueError | None]:
        error = None
        for name in names:
            if name:
                try:
                    return self.places.township(name), None
                except ValueError as failure:
                    error = error or failure
        return None, error

    def _fields(self, text: dict, errors: list[str]) -> dict:
        """The row's plain fields; each value that cannot be read adds its reason."""
        ethnicity = text.get("ethnicity", "")
        if ethnicity and not ethnicity.endswith("族"):
            ethnicity += "族"
        if ethnicity and ethnicity not in ETHNICITIES:
            errors.append(_("民族“%(e)s”不在 56 个民族之列") % {"e": text["ethnicity"]})
        living = text.get("living", "")
        if living and living not in LIVING_WORDS:
            errors.append(_("无法识别的居住状况“%(l)s”") % {"l": living})
        category = text.get("disability_category", "")
        if category and category not in DISABILITY_WORDS:
            errors.append(_("无法识别的残疾类别“%(c)s”") % {"c": category})
        grade = text.get("disability_grade", "").replace("级", "级")
        if grade and grade not in GRADES:
            errors.append(_("残疾等级应为一级至四级"))
        return {"name": text.get("name", ""), "ethnicity": ethnicity,
                "phone": text.get("phone", ""), "address": text.get("address", ""),
                "living": LIVING_WORDS.get(living, ""),
                "disability_category": DISABILITY_WORDS.get(category, ""),
                "disability_grade": GRADES.get(grade), "no_id_reason": ""}

    packing = "people-1"

    def pack(self, cleaned: Row) -> tuple:
        """The checked row as plain values, kept from the preview for the commit: its
        region by code, its birth date by ordinal."""
        born = cleaned.birth_date.toordinal() if cleaned.birth_date else None
        return ([cleaned.fields[key] for key in _FIELDS], cleaned.region.code,
                cleaned.id_value, cleaned.id_hash, born, cleaned.sex, cleaned.groups,
                cleaned.criteria, cleaned.guardian, cleaned.warnings, cleaned.at_township)

    def unpack(self, packed) -> Row:
        """The checked row again; refused when its region or one of its groups is no longer
        the actor's (the scope or the groups may have changed since the preview)."""
        (fields, code, id_value, id_hash, born, sex, groups, criteria, guardian, warnings,
         at_township) = packed
        region = self.regions.by_code.get(code)
        if region is None:
            raise ValueError(_("区划代码 %(c)s 不在您的辖区内或不存在") % {"c": code})
        for group in groups:
            if group not in self.groups:
                raise ValueError(_("未知的对象类别代码“%(g)s”") % {"g": group})
            self._check_group(group)
        return Row(fields=dict(zip(_FIELDS, fields, strict=True)), region=region,
                   id_value=id_value, id_hash=id_hash,
                   birth_date=date.fromordinal(born) if born else None, sex=sex,
                   groups=groups, criteria=criteria,
                   guardian=tuple(guardian) if guardian else None, warnings=warnings,
                   at_township=at_township)

    def key(self, cleaned: Row):
        """What makes two rows of the file the same person, kept for every row of the file
        (a million of them): the number as one small integer (its 17 digits and its check
        character), which is the number, rather than its 64-character hash."""
        number = cleaned.id_value
        if number:
            return int(number[:17]) * 11 + identity.ALLOWED.index(number[17])
        return cleaned.natural_key

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
