"""Import of an organisation roster (社会组织花名册) from the townships' Excel sheets."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from linli.accounts.roles import Domain, Perm
from linli.core import bounds
from linli.core.excel import Column, cell_text, parse_bool, parse_date, parse_int, split_list
from linli.core.importing import Importer, register
from linli.orgs import services
from linli.orgs.models import (
    CREDIT_CODE_KIND_DIGIT,
    Category,
    Kind,
    Organisation,
    Status,
    TargetGroup,
)
from linli.orgs.validators import normalise_credit_code
from linli.regions.lookup import RegionLookup
from linli.regions.models import Level, Region

COLUMNS = [
    Column("name", "组织名称", ("名称", "社会组织名称", "社区社会组织名称", "组织全称"), True),
    Column("kind", "组织类型", ("类型", "组织形式", "登记类型")),
    Column("category", "类别", ("组织类别", "分类", "所属类别", "服务类别"), True),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码")),
    Column("township", "乡镇(街道)", ("所属乡镇", "乡镇", "街道", "所属街道", "乡镇街道",
                                     "所属乡镇街道")),
    Column("region", "活动地域", ("村(社区)", "所在村(社区)", "所属社区", "所在社区", "村社区",
                                  "所在村社区", "社区", "村", "活动区域", "所在村")),
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


@dataclass
class Row:
    fields: dict
    region: Region
    authority: Region
    target_groups: list[str] = field(default_factory=list)

    @property
    def natural_key(self):
        code = self.fields["credit_code"]
        return ("code", code) if code else ("name", self.fields["name"],
                                            self.authority.code)


@register
class OrganisationImporter(Importer):
    kind = "orgs"
    title = _("社会组织花名册")
    columns = COLUMNS
    permission = Perm.EDIT
    domain = Domain.ORGANIZATIONS

    def __init__(self, actor):
        super().__init__(actor)
        self.regions = RegionLookup(actor, min_level=Level.COUNTY)
        self.groups = {g.name: g.code for g in TargetGroup.objects.all()}

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
        for value, label in Category.choices:
            if text and (text in label or label.startswith(text.rstrip("类"))):
                return value
        raise ValueError(_("类别应为生活服务类、公益慈善类、社区事务类或文体活动类,而不是“%(t)s”")
                         % {"t": text} if text else _("类别为空"))

    def clean(self, values) -> Row:
        text = {key: cell_text(value) for key, value in values.items()}
        if not text.get("name"):
            raise ValueError(_("组织名称为空"))
        if not text.get("leader_name"):
            raise ValueError(_("负责人为空"))
        township = self.regions.find(text["township"], level=Level.TOWNSHIP) if text.get(
            "township") else None
        within = township.code if township else ""
        place = text.get("region") or (township.code if township else "")
        if not place:
            raise ValueError(_("活动地域为空"))
        region = self.regions.find(place, within=within)
        kind = self._kind(text.get("kind", ""),
                          normalise_credit_code(text.get("credit_code", "")))
        authority = (self.regions.find(text["authority"]) if text.get("authority")
                     else Region.objects.get(code=region.code[:9]))
        groups, unknown = [], []
        for name in split_list(values.get("target_groups")):
            (groups if name in self.groups else unknown).append(self.groups.get(name, name))
        if unknown:
            raise ValueError(_("无法识别的服务对象:%(g)s") % {"g": "、".join(unknown)})
        fields = {
            "name": text["name"], "kind": kind, "category": self._category(text.get("category")),
            "credit_code": normalise_credit_code(text.get("credit_code", "")),
            "leader_name": text["leader_name"], "leader_phone": text.get("leader_phone", ""),
            "address": text.get("address", ""),
            "members_count": parse_int(values.get("members_count"), default=0),
            "business_scope": text.get("business_scope", ""),
            "founded_on": parse_date(values.get("founded_on")),
            "led_by_local_talent": parse_bool(values.get("led_by_local_talent")),
            "has_party_branch": parse_bool(values.get("has_party_branch")),
        }
        if fields["founded_on"] and fields["founded_on"] > date.today():
            raise ValueError(_("成立日期晚于今天"))
        bounds.check_count(fields["members_count"], field="members_count",
                             label=_("成员人数"))
        bounds.check_day(fields["founded_on"], field="founded_on", label=_("成立日期"))
        row = Row(fields=fields, region=region, authority=authority, target_groups=groups)
        # the same rules as the services, so the preview shows what the commit would refuse
        services.check_in_scope(self.actor, region, field="region_code", label=_("活动地域"))
        services.check_authority_in_scope(self.actor, kind, region, authority)
        services.check_placement(kind, region, authority)
        services.check_credit_code(kind, fields["credit_code"], self._existing_pk(row),
                                    self.actor)
        return row

    def key(self, cleaned: Row):
        return cleaned.natural_key

    def _existing(self, row: Row) -> Organisation | None:
        key = row.natural_key
        if key[0] == "code":
            return Organisation.objects.filter(credit_code=key[1]).first()
        return Organisation.objects.filter(
            Q(name=key[1]) & Q(authority_region_code=key[2])).exclude(
            status=Status.DEREGISTERED).first()

    def _existing_pk(self, row: Row) -> int | None:
        existing = self._existing(row)
        return existing.pk if existing else None

    def commit(self, cleaned: Row) -> str:
        existing = self._existing(cleaned)
        if existing is None:
            services.organisation_create(actor=self.actor, region_code=cleaned.region.code,
                                         authority_region_code=cleaned.authority.code,
                                         target_groups=cleaned.target_groups, **cleaned.fields)
            return "created"
        changed = {k: v for k, v in cleaned.fields.items() if getattr(existing, k) != v}
        region_moved = existing.region_code != cleaned.region.code
        same_groups = set(existing.target_groups.values_list("code", flat=True)) == set(
            cleaned.target_groups)
        if not changed and not region_moved and same_groups:
            return "unchanged"
        services.organisation_update(actor=self.actor, organisation=existing,
                                     version=existing.version,
                                     region_code=cleaned.region.code,
                                     target_groups=cleaned.target_groups, **cleaned.fields)
        return "updated"

    def preview_row(self, cleaned: Row) -> list[str]:
        f = cleaned.fields
        names = {code: name for name, code in self.groups.items()}
        return [f["name"], Kind(f["kind"]).label, Category(f["category"]).label,
                f["credit_code"], cleaned.region.path.split("/")[3] if cleaned.region.level >= 4
                else "", cleaned.region.name, cleaned.authority.name, f["leader_name"],
                f["leader_phone"], f["address"], str(f["members_count"]), f["business_scope"],
                f["founded_on"].isoformat() if f["founded_on"] else "",
                "、".join(names.get(c, c) for c in cleaned.target_groups),
                _("是") if f["led_by_local_talent"] else _("否"),
                _("是") if f["has_party_branch"] else _("否")]

