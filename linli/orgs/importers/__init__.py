"""Import of an organisation roster (社会组织花名册) from the townships' Excel sheets.

Read with the people roster's forgiveness: places as clerks write them (``places``), every
problem of a row at once (``Problems``), a file-level default region (``options``), and
服务对象 values not understood told and left out rather than refusing the row.

Rows are checked and saved a thousand at a time: three queries find what a batch names,
``check_batch`` refuses what the services would refuse and keeps each row's plan, and
``commit_batch`` saves the batch in one transaction — new records and their history with
COPY on PostgreSQL (``bulk``), changed ones with bulk_update_with_history, after locking
them and checking their version. The natural key is the 统一社会信用代码, or name + 备案机关
for a community organisation. What a roster repeats row after row — its cells' values, its
places with the placement rules on them, its names' pinyin — is worked out once per file
(``memo``, ``pinyin``): at 2,000 rows a second and more the commit reads the file again.
"""

import re
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from linli.accounts.roles import Domain, Perm
from linli.core import bounds
from linli.core.errors import Conflict, DomainError, Invalid, NotFound
from linli.core.excel import Column, cell_text, parse_bool, parse_date, parse_int, split_list
from linli.core.importing import Importer, register
from linli.orgs import services
from linli.orgs.importers.bulk import BATCH, insert_links, insert_with_history
from linli.orgs.importers.memo import MEMO, FastProblems, Memo
from linli.orgs.importers.pinyin import NameKeys
from linli.orgs.importers.places import Places
from linli.orgs.models import (
    CREDIT_CODE_KIND_DIGIT,
    REGISTERED_KINDS,
    Category,
    Kind,
    Organisation,
    Status,
    TargetGroup,
)
from linli.orgs.validators import normalise_credit_code
from linli.regions.lookup import plain
from linli.regions.models import Region

COLUMNS = [
    Column("name", "组织名称", ("名称", "社会组织名称", "社区社会组织名称", "组织全称"), True),
    Column("kind", "组织类型", ("类型", "组织形式", "登记类型")),
    Column("category", "类别", ("组织类别", "分类", "所属类别", "服务类别"), True),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码")),
    Column("township", "乡镇(街道)", ("所属乡镇", "乡镇", "街道", "所属街道", "乡镇街道",
                                     "所属乡镇街道", "乡(镇)", "所在乡镇", "乡镇(街道办)")),
    Column("region", "活动地域", ("村(社区)", "所在村(社区)", "所属社区", "所在社区", "村社区",
                                  "所在村社区", "社区", "村", "活动区域", "所在村", "所属村(社区)",
                                  "村(居)委会", "村(居)", "村居", "行政村", "村委会", "活动范围")),
    Column("authority", "备案机关", ("备案单位", "登记机关", "登记管理机关", "备案地")),
    Column("leader_name", "负责人", ("负责人姓名", "法定代表人", "法人代表", "负责人(法定代表人)"),
           True),
    Column("leader_phone", "负责人电话", ("联系电话", "负责人联系电话", "手机", "电话",
                                          "负责人手机", "联系方式")),
    Column("address", "活动场所", ("地址", "办公地址", "住所", "活动地点")),
    Column("members_count", "成员人数", ("会员数", "人数", "成员数", "会员人数")),
    Column("business_scope", "业务范围", ("服务内容", "宗旨和业务范围", "主要业务")),
    Column("founded_on", "成立日期", ("成立时间", "成立年月")),
    Column("target_groups", "服务对象", ("服务群体", "重点服务对象")),
    Column("led_by_local_talent", "优秀人才领办", ("是否领办", "是否优秀人才领办", "人才领办")),
    Column("has_party_branch", "建立党组织", ("是否建立党组织", "党组织", "是否成立党组织")),
]

_KIND_WORDS = [("基金会", Kind.FOUNDATION), ("民办非企业", Kind.SOCIAL_SERVICE),
               ("民非", Kind.SOCIAL_SERVICE), ("社会服务机构", Kind.SOCIAL_SERVICE),
               ("社会团体", Kind.SOCIAL_GROUP), ("社团", Kind.SOCIAL_GROUP),
               ("社区社会组织", Kind.COMMUNITY), ("社区", Kind.COMMUNITY)]
_GROUP_STEM = re.compile(r"(?:人员|人士|群体|人)$")
_GROUP_ALIASES = {"老人": "elderly", "残障人士": "disabled", "困难群众": "poor_families"}
_NONE_WRITTEN = {"无", "-", "—", "/", "\\"}
_MEMBERS, _FOUNDED, _REGION = (gettext_lazy("成员人数"), gettext_lazy("成立日期"),
                               gettext_lazy("活动地域"))
_LENGTHS = {key: Organisation._meta.get_field(key).max_length
            for key in ("name", "leader_name", "leader_phone", "address")}


@dataclass
class Row:
    fields: dict
    region: Region
    authority: Region
    target_groups: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    plan: Any = None  # from check_batch: a _Plan, or the DomainError refusing the row

    @property
    def natural_key(self):
        code = self.fields["credit_code"]
        return ("code", code) if code else ("name", self.fields["name"],
                                            self.authority.code)


# What a row is compared with, and what decides whether it may change the record.
_COMPARED = ["name", "kind", "category", "credit_code", "leader_name", "leader_phone",
             "address", "members_count", "business_scope", "founded_on",
             "led_by_local_talent", "has_party_branch", "region_code", "authority_region_code",
             "status", "version"]
# An organisation a row names, as the check reads it: these values, not a model instance
# (a thousand of those per chunk cost a re-import more than its queries). The services'
# rules read the same attributes of it (pk, status, kind, name, region_code).
_Known = namedtuple("_Known", ["pk", *_COMPARED])


@dataclass
class _Found:
    """The organisations a batch of rows may name: by credit code, and — not deregistered
    — by (name, 备案机关), with the codes of their target groups."""

    by_code: dict[str, _Known]
    by_name: dict[tuple[str, str], list[_Known]]
    groups: dict[int, set[str]]


@dataclass
class _Plan:
    outcome: str  # created, updated, unchanged
    existing: _Known | None = None
    groups: set[str] = field(default_factory=set)  # the existing record's target groups


@register
class OrganisationImporter(Importer):
    kind = "orgs"
    title = gettext_lazy("社会组织花名册")
    columns = COLUMNS
    permission = Perm.EDIT
    domain = Domain.ORGANIZATIONS
    option_fields = ("region",)  # no group: an organisation roster has no 对象类别

    def __init__(self, actor, options: dict[str, Any] | None = None):
        """``options`` (from the upload form or the API): ``region`` — the file's default
        village, township or county (name or code), for rows that say nowhere where the
        organisation is active."""
        super().__init__(actor, options)
        for name in ("group", "group_values"):
            if self.options.get(name):
                raise Invalid(_("社会组织花名册没有对象类别选项"),
                              details={name: [_("不适用于社会组织花名册")]})
        self.places = Places(actor, self.options.get("region"))  # refuses a bad default
        self.groups = {g.code: g for g in TargetGroup.objects.all()}
        self.categories = [(value, str(label)) for value, label in Category.choices]
        self.group_words = self._group_words()
        self.claimed: dict[tuple[str, str], Any] = {}  # (name, 备案机关) → row key
        # What rows repeat, worked out once per value (memo): cells, places, pinyin.
        self.category = Memo(self._category)
        self.founded = Memo(self._founded)
        self.members = Memo(lambda value: bounds.check_count(
            parse_int(value), field="members_count", label=_MEMBERS))
        self.boolean = Memo(parse_bool)
        self.served = Memo(self._served)
        self.where: dict[tuple, tuple] = {}  # the cells that say where → _where's answer
        self.sheet = 0  # which sheet (its name and titles may say where)
        self.name_keys = NameKeys()

    # --- the row's other cells ----------------------------------------------------------

    def _group_words(self) -> dict[str, str]:
        words = {}
        for group in self.groups.values():
            for word in (group.code, group.name, _GROUP_STEM.sub("", group.name)):
                words.setdefault(plain(word), group.code)
        words |= {w: c for w, c in _GROUP_ALIASES.items() if c in self.groups and w not in words}
        return words

    def _target_groups(self, value, warnings: list[str]) -> list[str]:
        """The groups served; a value not understood is told and left out (the rest of
        the row is saved)."""
        codes, warning = self.served(value)
        if warning:
            warnings.append(warning)
        return list(codes)

    def _served(self, value) -> tuple[tuple[str, ...], str]:
        """(the codes of the groups a cell names, the warning of the words not understood)."""
        codes, unknown = [], []
        for word in split_list(value):
            if word in _NONE_WRITTEN:
                continue
            key = plain(word)
            code = self.group_words.get(key) or self.group_words.get(_GROUP_STEM.sub("", key))
            if code is None:
                unknown.append(word)
            elif code not in codes:
                codes.append(code)
        if not unknown:
            return tuple(codes), ""
        return tuple(codes), _("无法识别的服务对象“%(g)s”,未登记该项(服务对象应为:%(k)s)") % {
            "g": "、".join(unknown), "k": "、".join(g.name for g in self.groups.values())}

    def _kind(self, text: str, credit_code: str) -> str:
        if not text:
            # GB 32100 position 2 tells a 民政-registered organisation's kind (1/2/3)
            by_digit = {v: k for k, v in CREDIT_CODE_KIND_DIGIT.items()}
            if credit_code.startswith("5") and len(credit_code) > 1:
                return by_digit.get(credit_code[1], Kind.COMMUNITY)
            return Kind.COMMUNITY
        for word, kind in _KIND_WORDS:
            if word in text:
                return kind
        raise ValueError(_("无法识别的组织类型“%(t)s”") % {"t": text})

    def _category(self, text: str) -> str:
        stem = text.rstrip("类")
        for value, label in self.categories:
            if stem and (text in label or label.startswith(stem)):
                return value
        raise ValueError(_("类别应为生活服务类、公益慈善类、社区事务类或文体活动类,而不是“%(t)s”")
                         % {"t": text} if text else _("类别为空"))

    def _fields(self, text: dict, values: dict, problems: FastProblems) -> dict:
        """The record's own values, each cell checked (a bad one does not hide the next)."""
        fields = {"name": text.get("name", ""), "kind": None, "category": None,
                  "credit_code": "", "leader_name": text.get("leader_name", ""),
                  "leader_phone": text.get("leader_phone", ""),
                  "address": text.get("address", ""), "members_count": 0,
                  "business_scope": text.get("business_scope", ""), "founded_on": None,
                  "led_by_local_talent": False, "has_party_branch": False}
        if not fields["name"]:
            problems.errors.append(_("组织名称为空"))
        if not fields["leader_name"]:
            problems.errors.append(_("负责人为空"))
        code = text.get("credit_code", "")
        with problems.check():
            fields["kind"] = self._kind(text.get("kind", ""), normalise_credit_code(code))
        with problems.check():
            fields["category"] = self.category(text.get("category", ""))
        if fields["kind"] is not None:
            with problems.check():
                fields["credit_code"] = services.credit_code_checked(fields["kind"], code)
        # (an empty cell needs no check: a roster's thousands of rows are checked cell by cell)
        if text.get("members_count"):
            with problems.check():
                fields["members_count"] = self.members(values["members_count"])
        if text.get("founded_on"):
            with problems.check():
                fields["founded_on"] = self.founded(values["founded_on"])
        for key in ("led_by_local_talent", "has_party_branch"):
            if text.get(key):
                with problems.check():
                    fields[key] = self.boolean(values[key])
        for key, limit in _LENGTHS.items():
            if len(fields[key]) > limit:
                with problems.check():
                    bounds.check_lengths(Organisation, {key: fields[key]})
        return fields

    @staticmethod
    def _founded(value) -> date | None:
        founded = parse_date(value)
        if founded and founded > date.today():
            raise ValueError(_("成立日期晚于今天"))
        return bounds.check_day(founded, field="founded_on", label=_FOUNDED)

    def clean(self, values) -> Row:
        text = {key: cell_text(value) for key, value in values.items()}
        problems = FastProblems()
        warnings = problems.warnings
        fields = self._fields(text, values, problems)
        key = (self.sheet, fields["kind"], text.get("township", ""), text.get("region", ""),
               text.get("address", ""), text.get("authority", ""))
        found = self.where.get(key)
        if found is None:  # a roster writes the same places row after row
            found = self._where(text, fields["kind"])
            if len(self.where) < MEMO:
                self.where[key] = found
        region, authority, errors, told = found
        problems.errors += errors
        warnings += told
        groups = self._target_groups(values.get("target_groups"), warnings)
        problems.raise_if_any()
        return Row(fields=fields, region=region, authority=authority, target_groups=groups,
                   warnings=warnings)

    def _where(self, text: dict, kind: str | None) -> tuple:
        """(region, 备案机关, errors, warnings) of the cells that say where a row's
        organisation is, with the services' rules on them, so the preview shows what the
        commit would refuse."""
        problems = FastProblems()
        region = authority = None
        with problems.check():
            region = self.places.place(text, problems.warnings)
        if region is not None:
            with problems.check():
                authority = self.places.authority(text.get("authority", ""), region,
                                                  problems.warnings)
            with problems.check():
                services.check_in_scope(self.actor, region, field="region_code",
                                        label=_REGION)
            if authority is not None and kind is not None:
                with problems.check():
                    services.check_authority_in_scope(self.actor, kind, region, authority)
                with problems.check():
                    services.check_placement(kind, region, authority)
        return region, authority, tuple(problems.errors), tuple(problems.warnings)

    def start_sheet(self, sheet) -> None:
        self.places.start_sheet(sheet)
        self.sheet += 1

    def key(self, cleaned: Row):
        return cleaned.natural_key

    # --- checks and saving, a batch at a time -----------------------------------------

    def _found(self, rows: list[Row]) -> _Found:
        """The organisations the rows name, in three queries whatever their number (with
        the fields a row is compared with; one to update is read whole when locked)."""
        organisations = Organisation.objects.values_list("pk", *_COMPARED)
        codes = {r.fields["credit_code"] for r in rows if r.fields["credit_code"]}
        by_code = {o.credit_code: o for o in map(_Known._make, organisations.filter(
            _among(Organisation, "credit_code", codes)).exclude(credit_code=""))} if codes else {}
        by_name: dict[tuple[str, str], list[_Known]] = {}
        for organisation in map(_Known._make, organisations.filter(
                _among(Organisation, "name", {r.fields["name"] for r in rows})).exclude(
                status=Status.DEREGISTERED).order_by("region_code", "name", "pk")):
            key = (organisation.name, organisation.authority_region_code)
            by_name.setdefault(key, []).append(organisation)
        ids = {o.pk for o in by_code.values()} | {o.pk for os in by_name.values() for o in os}
        groups: dict[int, set[str]] = {pk: set() for pk in ids}
        codes_by_id = {g.pk: g.code for g in self.groups.values()}
        through = Organisation.target_groups.through
        if ids:
            for organisation_id, group_id in through.objects.filter(
                    _among(through, "organisation_id", ids)).values_list(
                    "organisation_id", "targetgroup_id"):
                groups[organisation_id].add(codes_by_id[group_id])
        return _Found(by_code, by_name, groups)

    def _existing(self, row: Row, found: _Found) -> _Known | None:
        code = row.fields["credit_code"]
        if code:
            return found.by_code.get(code)
        same = found.by_name.get((row.fields["name"], row.authority.code))
        return same[0] if same else None

    def _plan(self, row: Row, found: _Found) -> _Plan:
        """What saving the row does — or the DomainError the single-record services
        (organisation_create / organisation_update) would raise for it."""
        existing = self._existing(row, found)
        if existing is None:
            plan, authority = _Plan("created"), row.authority.code
        else:
            if not services.can_edit(self.actor, existing, existing.region_code):
                code = row.fields["credit_code"]
                raise services.credit_code_taken(self.actor, code, existing) if code else \
                    NotFound()
            groups = found.groups.get(existing.pk, set())
            changing = {k for k, v in row.fields.items() if getattr(existing, k) != v}
            if existing.region_code != row.region.code:
                changing.add("region_code")
            if groups != set(row.target_groups):
                changing.add("target_groups")
            plan = _Plan("updated" if changing else "unchanged", existing, groups)
            authority = existing.authority_region_code
            if changing:
                self._check_update(existing, row, changing)
        name_key = (row.fields["name"], authority)
        if plan.outcome != "unchanged":
            others = [o for o in found.by_name.get(name_key, [])
                      if existing is None or o.pk != existing.pk]
            if others or self.claimed.get(name_key, row.natural_key) != row.natural_key:
                raise services.duplicate_name(row.fields["name"])
        self.claimed[name_key] = row.natural_key
        return plan

    def _check_update(self, existing: _Known, row: Row, changing: set[str]) -> None:
        refusal = services.update_refusal(existing, changing)
        if refusal is not None:
            raise refusal
        if "region_code" in changing:
            services.check_in_scope(self.actor, row.region, field="region_code",
                                    label=_REGION, organisation=existing)
        services.check_placement(row.fields["kind"], row.region,
                                 self.places.region_at(existing.authority_region_code))

    def check_batch(self, cleaned: list[Row]) -> dict[int, str]:
        """What the commit would refuse, found for the whole batch at once: a code
        registered outside the scope, a name taken under the same 备案机关, a filed
        organisation's filing content changed here instead of by 变更备案, … Each good
        row keeps its plan for commit_batch."""
        found = self._found(cleaned)
        refused = {}
        for index, row in enumerate(cleaned):
            try:
                row.plan = self._plan(row, found)
            except DomainError as error:
                row.plan, refused[index] = error, error.message
        return refused

    def commit_batch(self, cleaned: list[Row]) -> list[str | DomainError]:
        """The batch saved in one transaction, as the services would write each record
        (``services.apply_fields``), new ones and changed ones in bulk with their history
        and target groups. A record changed by someone else since the check is refused,
        never overwritten (its version, locked)."""
        unplanned = [r for r in cleaned if r.plan is None]
        if unplanned:  # not checked by check_batch first
            self.check_batch(unplanned)
        with transaction.atomic():
            locked = {o.pk: o for o in Organisation.objects.select_for_update().filter(
                pk__in=[r.plan.existing.pk for r in cleaned
                        if isinstance(r.plan, _Plan) and r.plan.outcome == "updated"])}
            results: list[str | DomainError] = []
            new, changed = [], []
            for row in cleaned:
                try:
                    results.append(self._apply(row, locked, new, changed))
                except DomainError as error:
                    results.append(error)
            self._save(new, changed)
        return results

    def _apply(self, row: Row, locked: dict[int, Organisation], new: list,
               changed: list) -> str:
        """The row's record made ready to save (``locked``: the records to update, read
        again and locked)."""
        if isinstance(row.plan, DomainError):
            raise row.plan
        outcome, organisation = row.plan.outcome, row.plan.existing
        if outcome == "created":
            # clean() made every check of services.apply_fields, with the same functions;
            # the record is its values (bulk.insert_with_history), not a model instance
            values = {**row.fields, "region_id": row.region.pk, "region_code": row.region.code,
                      "authority_region_id": row.authority.pk,
                      "authority_region_code": row.authority.code}
            values["name_pinyin"], values["name_initials"] = self.name_keys(row.fields["name"])
            if values["kind"] in REGISTERED_KINDS:
                values["status"] = Status.ACTIVE  # registered elsewhere; no 备案 here
            new.append((row, values))
        elif outcome == "updated":
            checked, organisation = organisation, locked.get(organisation.pk)
            if organisation is None or organisation.version != checked.version:
                raise Conflict(_("该组织在检查后已被他人修改,未导入该行;请重新上传文件"))
            services.apply_fields(organisation, row.fields)
            organisation.region, organisation.region_code = row.region, row.region.code
            organisation.version += 1
            organisation.updated_at = timezone.now()  # bulk_update leaves auto_now alone
            changed.append((row, organisation))
        return outcome

    def _save(self, new: list[tuple[Row, dict]], changed: list[tuple[Row, Organisation]]) -> None:
        reason = _("花名册导入")
        ids = insert_with_history(Organisation, [values for _r, values in new],
                                  user=self.actor, reason=reason)
        if changed:
            bulk_update_with_history([o for _r, o in changed], Organisation, UPDATED_FIELDS,
                                     batch_size=BATCH, default_user=self.actor,
                                     default_change_reason=reason)
        through = Organisation.target_groups.through
        regrouped = [(r, o) for r, o in changed if r.plan.groups != set(r.target_groups)]
        through.objects.filter(organisation_id__in=[o.pk for _r, o in regrouped]).delete()
        saved = [*zip((r for r, _v in new), ids, strict=True),
                 *((r, o.pk) for r, o in regrouped)]
        insert_links(through, [(pk, self.groups[c].pk) for r, pk in saved
                               for c in dict.fromkeys(r.target_groups)])

    def preview_row(self, cleaned: Row) -> list[str]:
        f = cleaned.fields
        township = cleaned.region.path.split("/")[3] if cleaned.region.level >= 4 else ""
        return [f["name"], Kind(f["kind"]).label, Category(f["category"]).label,
                f["credit_code"], township, cleaned.region.name, cleaned.authority.name,
                f["leader_name"], f["leader_phone"], f["address"], str(f["members_count"]),
                f["business_scope"], f["founded_on"].isoformat() if f["founded_on"] else "",
                "、".join(self.groups[c].name for c in cleaned.target_groups),
                _("是") if f["led_by_local_talent"] else _("否"),
                _("是") if f["has_party_branch"] else _("否")]


def _among(model, field: str, values) -> Q | RawSQL:
    """``<field>__in=values``; on PostgreSQL one array (``= ANY``): a thousand-item IN
    list costs Django and psycopg more than the query itself."""
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    # the column is the model's own, quoted; the values go as one parameter
    return RawSQL(f"{column} = ANY(%s)", [list(values)],  # noqa: S611
                  output_field=BooleanField())


UPDATED_FIELDS = ["name", "kind", "category", "credit_code", "leader_name", "leader_phone",
                  "address", "members_count", "business_scope", "founded_on",
                  "led_by_local_talent", "has_party_branch", "name_pinyin", "name_initials",
                  "region", "region_code", "version", "updated_at"]
