"""Roles, bureaus, data domains and permissions — declared here and nowhere else.

Authorization always asks three questions (DESIGN.md §2): may this role do this
action (PERMISSIONS), is the record inside the user's region subtree (the membership
region codes, see access.py) and is the record in a data domain the user may see
(DOMAINS). The mappings below are policy data: change them here, in one place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.regions.models import Level


class Role(models.TextChoices):
    PROVINCE_BUREAU = "province_bureau", _("省厅处室人员")
    PREFECTURE_BUREAU = "prefecture_bureau", _("市(州)民政局人员")
    COUNTY_BUREAU = "county_bureau", _("县(市、区、行委)民政局人员")
    TOWNSHIP_ASSISTANT = "township_assistant", _("乡镇(街道)民政助理/社工站")
    VILLAGE_STAFF = "village_staff", _("村(居)委会工作人员/儿童主任")
    ORG_STAFF = "org_staff", _("社会组织工作人员/社工")
    VOLUNTEER = "volunteer", _("社区志愿者")
    AUDITOR = "auditor", _("审计/督查人员")
    SYSADMIN = "sysadmin", _("系统管理员")


class Bureau(models.TextChoices):
    """The 省民政厅 bureaus named by the notice as 责任单位."""

    SOCIAL_ORGANIZATIONS = "social_organizations", _("社会组织管理局")
    ELDERLY_SERVICES = "elderly_services", _("养老服务处")
    CHILD_WELFARE = "child_welfare", _("儿童福利处")
    SOCIAL_ASSISTANCE = "social_assistance", _("社会救助处")
    GRASSROOTS_GOVERNANCE = "grassroots_governance", _("基层政权建设和社区治理处")
    SOCIAL_AFFAIRS = "social_affairs", _("社会事务处")
    CHARITY_SOCIAL_WORK = "charity_social_work", _("慈善事业促进和社会工作处")
    PLANNING_FINANCE = "planning_finance", _("规划财务处")


class Domain(models.TextChoices):
    ORGANIZATIONS = "organizations", _("社会组织")
    ELDERLY = "elderly", _("老年人")
    CHILDREN = "children", _("儿童与未成年人")
    DISABLED = "disabled", _("残疾人")
    ASSISTANCE = "assistance", _("社会救助对象")
    GENERAL = "general", _("其他关爱对象")  # 妇女、失业人员、农民工、困难家庭
    MENTAL_HEALTH = "mental_health", _("严重精神障碍患者")
    CORRECTION = "correction", _("社区矫正人员")
    PRISONERS_CHILDREN = "prisoners_children", _("服刑人员未成年子女")
    TROUBLED_YOUTH = "troubled_youth", _("有不良行为青少年")
    GOVERNANCE = "governance", _("基层治理与议事协商")
    CUSTOMS = "customs", _("乡风民俗")
    PROGRAMS = "programs", _("措施、指标与报告")


# PIPL Art. 28: health, 特定身份 and every minor's data are sensitive personal information.
SENSITIVE_DOMAINS = frozenset({
    Domain.CHILDREN, Domain.MENTAL_HEALTH, Domain.CORRECTION,
    Domain.PRISONERS_CHILDREN, Domain.TROUBLED_YOUTH,
})
PERSONAL_DOMAINS = frozenset(Domain) - {Domain.ORGANIZATIONS, Domain.GOVERNANCE,
                                        Domain.CUSTOMS, Domain.PROGRAMS}
ALL_DOMAINS = frozenset(Domain)

# A provincial bureau sees the whole province, but only the domains of its work.
BUREAU_DOMAINS: dict[str, frozenset[str]] = {
    Bureau.SOCIAL_ORGANIZATIONS: frozenset({Domain.ORGANIZATIONS, Domain.PROGRAMS}),
    Bureau.ELDERLY_SERVICES: frozenset({Domain.ELDERLY, Domain.ORGANIZATIONS, Domain.PROGRAMS}),
    Bureau.CHILD_WELFARE: frozenset({Domain.CHILDREN, Domain.PRISONERS_CHILDREN,
                                     Domain.TROUBLED_YOUTH, Domain.ORGANIZATIONS,
                                     Domain.PROGRAMS}),
    Bureau.SOCIAL_ASSISTANCE: frozenset({Domain.ASSISTANCE, Domain.GENERAL, Domain.PROGRAMS}),
    Bureau.GRASSROOTS_GOVERNANCE: frozenset({Domain.GOVERNANCE, Domain.ORGANIZATIONS,
                                             Domain.PROGRAMS}),
    Bureau.SOCIAL_AFFAIRS: frozenset({Domain.DISABLED, Domain.MENTAL_HEALTH, Domain.CUSTOMS,
                                      Domain.PROGRAMS}),
    Bureau.CHARITY_SOCIAL_WORK: frozenset({Domain.ORGANIZATIONS, Domain.GENERAL,
                                           Domain.PROGRAMS}),
    Bureau.PLANNING_FINANCE: frozenset({Domain.ORGANIZATIONS, Domain.PROGRAMS}),
}

# Every other role's domains. The system administrator manages accounts and sees no
# personal data (等保 2.0: separated administration roles, least privilege).
ROLE_DOMAINS: dict[str, frozenset[str]] = {
    Role.PREFECTURE_BUREAU: ALL_DOMAINS,
    Role.COUNTY_BUREAU: ALL_DOMAINS,
    Role.TOWNSHIP_ASSISTANT: ALL_DOMAINS,
    Role.VILLAGE_STAFF: ALL_DOMAINS - {Domain.CORRECTION},
    Role.ORG_STAFF: PERSONAL_DOMAINS - {Domain.CORRECTION, Domain.MENTAL_HEALTH} | {
        Domain.ORGANIZATIONS},
    Role.VOLUNTEER: frozenset({Domain.ELDERLY, Domain.DISABLED, Domain.GENERAL}),
    Role.AUDITOR: ALL_DOMAINS,
    Role.SYSADMIN: frozenset(),
}


class Perm(models.TextChoices):
    VIEW = "view", _("查看本辖区数据")
    EDIT = "edit", _("录入和修改本辖区数据")
    REVIEW = "review", _("审核(备案、转介等)")
    REVEAL_ID = "reveal_id", _("查看完整身份证号")
    EXPORT = "export", _("导出")
    MANAGE_USERS = "manage_users", _("管理用户和授权")
    VIEW_AUDIT = "view_audit", _("查看审计日志")


_OFFICE = frozenset({Perm.VIEW, Perm.EDIT, Perm.REVIEW, Perm.REVEAL_ID, Perm.EXPORT})
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_BUREAU: _OFFICE,
    Role.PREFECTURE_BUREAU: _OFFICE,
    Role.COUNTY_BUREAU: _OFFICE,
    Role.TOWNSHIP_ASSISTANT: _OFFICE,
    # 村(居)委会 review the filings made with them (notice, measure 一).
    Role.VILLAGE_STAFF: frozenset({Perm.VIEW, Perm.EDIT, Perm.REVIEW, Perm.EXPORT}),
    Role.ORG_STAFF: frozenset({Perm.VIEW, Perm.EDIT}),
    Role.VOLUNTEER: frozenset({Perm.VIEW, Perm.EDIT}),
    Role.AUDITOR: frozenset({Perm.VIEW, Perm.EXPORT, Perm.VIEW_AUDIT}),
    Role.SYSADMIN: frozenset({Perm.VIEW, Perm.MANAGE_USERS, Perm.VIEW_AUDIT}),
}

# The region level each role's membership is bound to (None: any level).
ROLE_LEVEL: dict[str, int | None] = {
    Role.PROVINCE_BUREAU: Level.PROVINCE,
    Role.PREFECTURE_BUREAU: Level.PREFECTURE,
    Role.COUNTY_BUREAU: Level.COUNTY,
    Role.TOWNSHIP_ASSISTANT: Level.TOWNSHIP,
    Role.VILLAGE_STAFF: Level.VILLAGE,
    Role.ORG_STAFF: None,
    Role.VOLUNTEER: None,
    Role.AUDITOR: None,
    Role.SYSADMIN: Level.PROVINCE,
}

# These roles are bound to an organisation: they see what belongs to it, not a region.
ORG_ROLES = frozenset({Role.ORG_STAFF, Role.VOLUNTEER})

# 等保 2.0 level 3: these roles must use the second factor (unless LINLI_ENFORCE_2FA=false).
SECOND_FACTOR_ROLES = frozenset({Role.SYSADMIN, Role.PROVINCE_BUREAU})


def domains_for(role: str, bureau: str = "") -> frozenset[str]:
    if role == Role.PROVINCE_BUREAU:
        return BUREAU_DOMAINS.get(bureau, frozenset())
    return ROLE_DOMAINS[role]


# Each domain is one bit, so a record's domains fit one integer column and "may this user
# see it" is a bitwise test in SQL (see people.selectors).
DOMAIN_BITS: dict[str, int] = {domain: 1 << index for index, domain in enumerate(Domain)}
SENSITIVE_MASK = sum(DOMAIN_BITS[d] for d in SENSITIVE_DOMAINS)


def domain_mask(domains) -> int:
    return sum(DOMAIN_BITS[d] for d in set(domains))
