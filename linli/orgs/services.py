"""Every write of the orgs app: the registry, the 备案 workflow, support structures."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm, Role
from linli.core.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.pinyin import pinyin_keys
from linli.orgs.models import (
    OPEN_FILING_STATUSES,
    REGISTERED_KINDS,
    Filing,
    FilingAction,
    FilingEvent,
    FilingKind,
    FilingStatus,
    Kind,
    Organisation,
    Status,
    TargetGroup,
)
from linli.orgs.validators import normalise_credit_code, validate_credit_code
from linli.regions.models import Level, Region

# Fields whose change a filed community organisation reports through 变更备案 (the filing
# content: 名称、负责人、活动场所、成员、活动地域、业务范围).
FILED_FIELDS = ("name", "leader_name", "address", "members_count", "business_scope",
                "region_code")
EDITABLE_FIELDS = (
    "name", "kind", "category", "credit_code", "leader_name", "leader_phone", "contact_name",
    "contact_phone", "address", "members_count", "business_scope", "founded_on",
    "focus_special_groups", "focus_public_concerns", "focus_safe_community",
    "focus_rural_revitalisation", "led_by_local_talent", "has_party_branch", "is_charity",
    "is_social_work_agency", "is_hub",
)


def review_days() -> int:
    return getattr(settings, "LINLI_FILING_REVIEW_DAYS", 15)


def region_by_code(code: str, field: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise Invalid(_("区划代码“%(c)s”不存在") % {"c": code}, details={field: [_("区划不存在")]})
    return region


def can_edit(actor, organisation: Organisation | None, region_code: str) -> bool:
    access = access_for(actor)
    if not access.can(Perm.EDIT) or not access.sees_domain(Domain.ORGANIZATIONS):
        return False
    if organisation is not None and organisation.pk in access.organisation_ids:
        return True
    return access.covers(region_code)


def check_placement(kind: str, region: Region, authority: Region) -> None:
    if kind == Kind.COMMUNITY:
        if authority.level not in (Level.TOWNSHIP, Level.VILLAGE):
            raise Invalid(_("社区社会组织应向街道(乡镇)或村(居)委会备案"),
                          details={"authority_region_code": [_("请选择街道(乡镇)或村(居)委会")]})
        if not region.code.startswith(authority.code[:9]):
            raise Invalid(_("活动地域应在备案的街道(乡镇)范围内"),
                          details={"region_code": [_("活动地域不在备案机关辖区内")]})
    elif authority.level > Level.COUNTY:
        raise Invalid(_("登记的社会组织应选择县级以上民政部门作为登记机关"),
                      details={"authority_region_code": [_("请选择县级以上区划")]})


def check_credit_code(kind: str, code: str, exclude_pk: int | None, actor) -> str:
    code = normalise_credit_code(code)
    if kind == Kind.COMMUNITY:
        if code:
            raise Invalid(_("备案的社区社会组织不是法人,没有统一社会信用代码"),
                          details={"credit_code": [_("社区社会组织不填写统一社会信用代码")]})
        return ""
    if not code:
        raise Invalid(_("登记的社会组织须填写统一社会信用代码"),
                      details={"credit_code": [_("必填")]})
    try:
        validate_credit_code(code)
    except ValidationError as error:
        raise Invalid(error.messages[0], details={"credit_code": error.messages}) from None
    clash = Organisation.objects.filter(credit_code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        where = clash.name if access_for(actor).covers(clash.region_code) else _("其他地区")
        message = _("统一社会信用代码 %(c)s 已被登记(%(w)s),不能重复录入") % {"c": code, "w": where}
        raise Invalid(message, details={"credit_code": [message]})
    return code


def _apply(organisation: Organisation, fields: dict) -> None:
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(organisation, key, value)
    organisation.name = organisation.name.strip()
    if not organisation.name:
        raise Invalid(_("请填写组织名称"), details={"name": [_("必填")]})
    organisation.name_pinyin, organisation.name_initials = pinyin_keys(organisation.name)


def _set_targets(organisation: Organisation, codes) -> None:
    if codes is not None:
        organisation.target_groups.set(TargetGroup.objects.filter(code__in=list(codes)))


@transaction.atomic
def organisation_create(*, actor, region_code: str, authority_region_code: str,
                        target_groups=None, **fields) -> Organisation:
    region = region_by_code(region_code, "region_code")
    authority = region_by_code(authority_region_code, "authority_region_code")
    if not can_edit(actor, None, region.code):
        raise NotFound()
    kind = fields.get("kind", Kind.COMMUNITY)
    check_placement(kind, region, authority)
    fields["credit_code"] = check_credit_code(kind, fields.get("credit_code", ""), None, actor)
    organisation = Organisation(region=region, region_code=region.code,
                                authority_region=authority,
                                authority_region_code=authority.code)
    _apply(organisation, fields)
    if kind in REGISTERED_KINDS:
        organisation.status = Status.ACTIVE  # registered elsewhere; no 备案 needed here
    _refuse_duplicate_name(organisation)
    organisation.save()
    _set_targets(organisation, target_groups)
    return organisation


def _refuse_duplicate_name(organisation: Organisation) -> None:
    same = Organisation.objects.filter(
        name=organisation.name, authority_region_code=organisation.authority_region_code,
    ).exclude(pk=organisation.pk).exclude(status=Status.DEREGISTERED)
    if same.exists():
        raise Invalid(_("同一备案/登记机关下已有名为“%(n)s”的组织") % {"n": organisation.name},
                      details={"name": [_("名称重复")]})


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, version: int,
                        target_groups=None, region_code: str | None = None,
                        **fields) -> Organisation:
    """Edit the record; a second clerk saving an older version is refused, never merged."""
    if not can_edit(actor, organisation, organisation.region_code):
        raise NotFound()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.version != version:
        raise Conflict(_("该组织已被他人修改,请刷新后重新编辑"))
    if locked.status == Status.DEREGISTERED:
        raise IllegalTransition(_("已注销的组织不能修改"))
    changing = {k for k, v in fields.items() if getattr(locked, k, None) != v}
    if region_code and region_code != locked.region_code:
        changing.add("region_code")
    if locked.kind == Kind.COMMUNITY and locked.status == Status.ACTIVE and \
            changing & set(FILED_FIELDS):
        raise IllegalTransition(
            _("已备案组织的名称、负责人、活动场所、成员、活动地域、业务范围须通过变更备案修改"))
    if region_code and region_code != locked.region_code:
        region = region_by_code(region_code, "region_code")
        check_placement(fields.get("kind", locked.kind), region, locked.authority_region)
        locked.region, locked.region_code = region, region.code
    kind = fields.get("kind", locked.kind)
    fields["credit_code"] = check_credit_code(kind, fields.get("credit_code", locked.credit_code),
                                               locked.pk, actor)
    _apply(locked, fields)
    _refuse_duplicate_name(locked)
    locked.version += 1
    locked.save()
    _set_targets(locked, target_groups)
    return locked


@transaction.atomic
def organisation_set_status(*, actor, organisation: Organisation, status: str,
                            reason: str) -> Organisation:
    """Suspend or resume activity (deregistration of filed groups goes through 注销备案)."""
    access = access_for(actor)
    if not (access.can(Perm.REVIEW) and access.covers(organisation.authority_region_code)):
        raise NotFound()
    allowed = {Status.ACTIVE: {Status.SUSPENDED}, Status.SUSPENDED: {Status.ACTIVE}}
    if status not in allowed.get(organisation.status, set()):
        raise IllegalTransition(_("组织当前为“%(s)s”,不能改为该状态") % {
            "s": organisation.get_status_display()})
    if not reason.strip():
        raise Invalid(_("请填写原因"))
    organisation.status = status
    organisation._change_reason = reason.strip()
    organisation.save(update_fields=["status", "updated_at"])
    return organisation


# --- the 备案 workflow -----------------------------------------------------------------

# action → (statuses it may start from, status it leads to). The only table of the rules.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "resubmit": (frozenset({FilingStatus.RETURNED}), FilingStatus.SUBMITTED),
    "approve": (frozenset({FilingStatus.SUBMITTED}), FilingStatus.APPROVED),
    "return": (frozenset({FilingStatus.SUBMITTED}), FilingStatus.RETURNED),
    "reject": (frozenset({FilingStatus.SUBMITTED}), FilingStatus.REJECTED),
    "withdraw": (frozenset(OPEN_FILING_STATUSES), FilingStatus.WITHDRAWN),
}
REVIEW_ACTIONS = frozenset({"approve", "return", "reject"})
ACTIONS_NEEDING_REASON = frozenset({"return", "reject"})
ACTION_LABELS = dict(FilingAction.choices)


def is_filing_body(actor, filing_region_code: str) -> bool:
    """The reviewer is the filing body itself: a REVIEW membership on exactly that region."""
    access = access_for(actor)
    return access.can(Perm.REVIEW) and any(
        m.region_code == filing_region_code and m.role in (Role.TOWNSHIP_ASSISTANT,
                                                            Role.VILLAGE_STAFF)
        for m in access.memberships)


def _event(filing: Filing, actor, action: str, before: str, comment: str) -> None:
    FilingEvent.objects.create(filing=filing, actor=actor, action=action, from_status=before,
                               to_status=filing.status, comment=comment)


def _validated_changes(organisation: Organisation, changes: dict) -> dict:
    clean = {k: v for k, v in (changes or {}).items()
             if k in FILED_FIELDS and v not in (None, "") and
             str(getattr(organisation, k)) != str(v)}
    if not clean:
        raise Invalid(_("变更备案须至少填写一项与现有备案内容不同的事项"))
    if "members_count" in clean:
        try:
            clean["members_count"] = int(clean["members_count"])
        except (TypeError, ValueError):
            raise Invalid(_("成员人数应为整数"),
                          details={"members_count": [_("应为整数")]}) from None
    if "region_code" in clean:
        check_placement(organisation.kind, region_by_code(clean["region_code"], "region_code"),
                         organisation.authority_region)
    return clean


@transaction.atomic
def filing_submit(*, actor, organisation: Organisation, kind: str, changes: dict | None = None,
                  reason: str = "") -> Filing:
    if not can_edit(actor, organisation, organisation.region_code):
        raise NotFound()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.kind != Kind.COMMUNITY:
        raise IllegalTransition(_("只有社区社会组织向街道(乡镇)或村(居)委会备案"))
    if organisation.filings.filter(status__in=OPEN_FILING_STATUSES).exists():
        raise IllegalTransition(_("该组织已有一件未办结的备案申请,请先办结或撤回"))
    expected = Status.PENDING if kind == FilingKind.ESTABLISH else Status.ACTIVE
    if organisation.status != expected and not (
            kind == FilingKind.DEREGISTER and organisation.status == Status.SUSPENDED):
        raise IllegalTransition(_("组织状态为“%(s)s”,不能申请%(k)s") % {
            "s": organisation.get_status_display(), "k": FilingKind(kind).label})
    if kind == FilingKind.CHANGE:
        changes = _validated_changes(organisation, changes)
    elif kind == FilingKind.DEREGISTER and not reason.strip():
        raise Invalid(_("注销备案须说明原因"), details={"reason": [_("必填")]})
    filing = Filing.objects.create(
        organisation=organisation, kind=kind, filing_region=organisation.authority_region,
        filing_region_code=organisation.authority_region_code, changes=changes or {},
        reason=reason.strip(), submitted_by=actor,
        due_on=timezone.localdate() + timedelta(days=review_days()))
    _event(filing, actor, "submit", "", reason.strip())
    return filing


def _next_filing_number(filing: Filing) -> str:
    """<filing body code>-<year>-<sequence>, the sequence per body and year. The body's
    region row is locked so two approvals at once cannot take the same number."""
    Region.objects.select_for_update().filter(pk=filing.filing_region_id).first()
    prefix = f"{filing.filing_region_code}-{timezone.localdate().year}-"
    last = (Filing.objects.filter(filing_number__startswith=prefix)
            .aggregate(last=Max("filing_number"))["last"])
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _apply_decision(filing: Filing, today: date) -> None:
    organisation = Organisation.objects.select_for_update().get(pk=filing.organisation_id)
    if filing.kind == FilingKind.ESTABLISH:
        filing.filing_number = _next_filing_number(filing)
        organisation.status = Status.ACTIVE
        organisation.filing_number, organisation.filed_on = filing.filing_number, today
    elif filing.kind == FilingKind.CHANGE:
        changes = dict(filing.changes)
        if "region_code" in changes:
            region = Region.objects.get(code=changes.pop("region_code"))
            organisation.region, organisation.region_code = region, region.code
        _apply(organisation, changes)
    else:
        organisation.status = Status.DEREGISTERED
    organisation._change_reason = f"{filing.get_kind_display()} #{filing.pk}"
    organisation.version += 1
    organisation.save()


@transaction.atomic
def filing_transition(*, actor, filing: Filing, action: str, comment: str = "",
                      changes: dict | None = None) -> Filing:
    """Move a filing along TRANSITIONS; anything else is a clear IllegalTransition."""
    if action not in TRANSITIONS:
        raise Invalid(_("未知操作"))
    filing = Filing.objects.select_for_update().select_related("organisation").get(pk=filing.pk)
    sources, target = TRANSITIONS[action]
    if filing.status not in sources:
        raise IllegalTransition(_("备案申请当前为“%(s)s”,不能%(a)s") % {
            "s": filing.get_status_display(), "a": ACTION_LABELS[action]})
    if action in REVIEW_ACTIONS and not is_filing_body(actor, filing.filing_region_code):
        raise Forbidden(_("只有备案机关(%(r)s)可以审核") % {"r": filing.filing_region.name})
    if action not in REVIEW_ACTIONS and not can_edit(actor, filing.organisation,
                                                      filing.organisation.region_code):
        raise Forbidden()
    if action in ACTIONS_NEEDING_REASON and not comment.strip():
        raise Invalid(_("%(a)s须填写理由") % {"a": ACTION_LABELS[action]},
                      details={"comment": [_("必填")]})
    before, now = filing.status, timezone.now()
    filing.status = target
    if action == "resubmit":
        if filing.kind == FilingKind.CHANGE and changes:
            filing.changes = _validated_changes(filing.organisation, changes)
        filing.due_on = timezone.localdate() + timedelta(days=review_days())
    if action in REVIEW_ACTIONS:
        filing.decided_by, filing.decided_at = actor, now
        filing.decision_comment = comment.strip()
    if action == "approve":
        _apply_decision(filing, timezone.localdate())
    try:
        filing.save()
    except IntegrityError:
        raise Conflict(_("备案编号冲突,请重试")) from None
    _event(filing, actor, action, before, comment.strip())
    return filing
