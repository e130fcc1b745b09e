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
from linli.core.bounds import (
    check_choice,
    check_count,
    check_day,
    check_lengths,
)
from linli.core.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.pinyin import pinyin_keys
from linli.orgs.models import (
    OPEN_FILING_STATUSES,
    REGISTERED_KINDS,
    Category,
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


# The history's change reason is a 100-character column (django-simple-history).
REASON_MAX = 100


def review_days() -> int:
    return getattr(settings, "LINLI_FILING_REVIEW_DAYS", 15)


def region_by_code(code: str, field: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise Invalid(_("区划代码“%(c)s”不存在") % {"c": code}, details={field: [_("区划不存在")]})
    return region


def may_edit_organisations(actor) -> bool:
    access = access_for(actor)
    return access.can(Perm.EDIT) and access.sees_domain(Domain.ORGANIZATIONS)


def can_edit(actor, organisation: Organisation | None, region_code: str) -> bool:
    if not may_edit_organisations(actor):
        return False
    access = access_for(actor)
    if organisation is not None and organisation.pk in access.organisation_ids:
        return True
    return access.covers(region_code)


# --- the checks every write of the app shares (services, importer, seeds) ----------------
#
# A record the actor acts on, or names by its id, that lies outside their scope answers
# NotFound (404), so existence never leaks. A region *typed as a value* — a new record's
# place, a changed region, a 登记管理机关 — outside the scope is refused with Invalid (422)
# naming the field: regions are public reference data, and the clerk needs to know which
# field to correct.

def check_in_scope(actor, region: Region, *, field: str, label: str,
                   organisation: Organisation | None = None) -> None:
    """A region typed into a write must lie inside the actor's scope. Organisation staff
    have no region scope: they are bound to their organisation (``can_edit``) and, through
    ``check_placement``, to its filing body or 登记管理机关."""
    if not can_edit(actor, organisation, region.code):
        message = _("%(f)s应在您的辖区内") % {"f": label}
        raise Invalid(message, details={field: [message]})


def check_authority_in_scope(actor, kind: str, region: Region, authority: Region) -> None:
    """The 登记管理机关 / 备案机关 of a new organisation lies inside the actor's scope. The
    one step up allowed: a village committee's staff file their village's community
    organisation with the street (乡镇) above them."""
    access = access_for(actor)
    if access.covers(authority.code):
        return
    if (kind == Kind.COMMUNITY and authority.level == Level.TOWNSHIP
            and region.code.startswith(authority.code) and access.covers(region.code)):
        return
    message = (_("登记管理机关应在您的辖区内") if kind in REGISTERED_KINDS
               else _("备案机关应在您的辖区内"))
    raise Invalid(message, details={"authority_region_code": [message]})


def check_placement(kind: str, region: Region, authority: Region) -> None:
    """Where an organisation of this kind may be: a community organisation is filed with a
    street (乡镇) or village committee and active inside it; a registered one is registered
    by a 民政 department of county level or above and active inside its jurisdiction."""
    if kind == Kind.COMMUNITY:
        if authority.level not in (Level.TOWNSHIP, Level.VILLAGE):
            raise Invalid(_("社区社会组织应向街道(乡镇)或村(居)委会备案"),
                          details={"authority_region_code": [_("请选择街道(乡镇)或村(居)委会")]})
        if not region.code.startswith(authority.code):
            message = (_("活动地域应在备案的街道(乡镇)范围内") if authority.level == Level.TOWNSHIP
                       else _("活动地域应在备案的村(居)委会范围内"))
            raise Invalid(message, details={"region_code": [_("活动地域不在备案机关辖区内")]})
    elif authority.level > Level.COUNTY:
        raise Invalid(_("登记的社会组织应选择县级以上民政部门作为登记机关"),
                      details={"authority_region_code": [_("请选择县级以上区划")]})
    elif not region.code.startswith(authority.code):
        raise Invalid(_("活动地域应在登记管理机关的辖区内"),
                      details={"region_code": [_("活动地域不在登记管理机关辖区内")]})


def check_serves(organisation: Organisation, region: Region, *, field: str,
                 label: str) -> None:
    """An organisation named by a support structure (a 社工站's operator, a base's operator,
    an incubated group) belongs to the structure's county: active in that county, or
    registered by a department whose jurisdiction covers the place (a provincial agency).
    A deregistered organisation serves nowhere."""
    county = region.code[:6]
    if organisation.status == Status.DEREGISTERED:
        message = _("%(f)s“%(o)s”已注销") % {"f": label, "o": organisation.name}
        raise Invalid(message, details={field: [message]})
    if not (organisation.region_code.startswith(county)
            or region.code.startswith(organisation.authority_region_code)):
        message = _("%(f)s应是本县(市、区)的社会组织,或由覆盖本地的民政部门登记") % {"f": label}
        raise Invalid(message, details={field: [message]})


def check_credit_code(kind: str, code: str, exclude_pk: int | None, actor) -> str:
    code = credit_code_checked(kind, code)
    if not code:
        return ""
    clash = Organisation.objects.filter(credit_code=code).exclude(pk=exclude_pk).first()
    if clash is not None:
        raise credit_code_taken(actor, code, clash)
    return code


def credit_code_checked(kind: str, code: str) -> str:
    """The code as stored, checked without the database: none for a community
    organisation, a valid GB 32100 code for a registered one. (The importer checks a
    file's codes so, then whether they are taken, for a thousand rows at once.)"""
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
    return code


def credit_code_taken(actor, code: str, holder: Organisation) -> Invalid:
    """The refusal of a code another organisation holds: named only inside the scope."""
    where = holder.name if access_for(actor).covers(holder.region_code) else _("其他地区")
    message = _("统一社会信用代码 %(c)s 已被登记(%(w)s),不能重复录入") % {"c": code, "w": where}
    return Invalid(message, details={"credit_code": [message]})


def _apply(organisation: Organisation, fields: dict) -> None:
    """Set the editable fields and check the whole record: every path that writes an
    organisation (page, API, importer, an approved change filing) passes here."""
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(organisation, key, value)
    check_choice(organisation.kind, Kind, field="kind", label=_("组织类型"))
    check_choice(organisation.category, Category, field="category", label=_("类别"))
    organisation.members_count = check_count(organisation.members_count,
                                             field="members_count", label=_("成员人数"))
    organisation.founded_on = check_day(organisation.founded_on, field="founded_on",
                                        label=_("成立日期"))
    organisation.name = organisation.name.strip()
    if not organisation.name:
        raise Invalid(_("请填写组织名称"), details={"name": [_("必填")]})
    check_lengths(Organisation, {f: getattr(organisation, f) for f in EDITABLE_FIELDS})
    organisation.name_pinyin, organisation.name_initials = pinyin_keys(organisation.name)


# The importer's bulk save sets each record through the same checks as every other write.
apply_fields = _apply


def _target_groups(codes) -> list[TargetGroup] | None:
    """The groups named by their codes; an unknown code is refused, never dropped."""
    if codes is None:
        return None
    codes = [codes] if isinstance(codes, str) else list(codes)
    known = {g.code: g for g in TargetGroup.objects.filter(
        code__in=[c for c in codes if isinstance(c, str)])}
    unknown = [str(c)[:32] for c in codes if c not in known]
    if unknown:
        message = _("未知的服务对象:%(c)s") % {"c": "、".join(dict.fromkeys(unknown))}
        raise Invalid(message, details={"target_groups": [message]})
    return list(known.values())


@transaction.atomic
def organisation_create(*, actor, region_code: str, authority_region_code: str,
                        target_groups=None, **fields) -> Organisation:
    if not may_edit_organisations(actor):
        raise NotFound()
    region = region_by_code(region_code, "region_code")
    authority = region_by_code(authority_region_code, "authority_region_code")
    kind = fields.get("kind", Kind.COMMUNITY)
    check_choice(kind, Kind, field="kind", label=_("组织类型"))
    check_in_scope(actor, region, field="region_code", label=_("活动地域"))
    check_authority_in_scope(actor, kind, region, authority)
    check_placement(kind, region, authority)
    fields["credit_code"] = check_credit_code(kind, fields.get("credit_code", ""), None, actor)
    organisation = Organisation(region=region, region_code=region.code,
                                authority_region=authority,
                                authority_region_code=authority.code)
    _apply(organisation, fields)
    groups = _target_groups(target_groups)
    if kind in REGISTERED_KINDS:
        organisation.status = Status.ACTIVE  # registered elsewhere; no 备案 needed here
    _refuse_duplicate_name(organisation)
    organisation.save()
    if groups is not None:
        organisation.target_groups.set(groups)
    return organisation


def _refuse_duplicate_name(organisation: Organisation) -> None:
    same = Organisation.objects.filter(
        name=organisation.name, authority_region_code=organisation.authority_region_code,
    ).exclude(pk=organisation.pk).exclude(status=Status.DEREGISTERED)
    if same.exists():
        raise duplicate_name(organisation.name)


def duplicate_name(name: str) -> Invalid:
    return Invalid(_("同一备案/登记机关下已有名为“%(n)s”的组织") % {"n": name},
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
    changing = {k for k, v in fields.items() if getattr(locked, k, None) != v}
    if region_code and region_code != locked.region_code:
        changing.add("region_code")
    refusal = update_refusal(locked, changing)
    if refusal is not None:
        raise refusal
    kind = fields.get("kind", locked.kind)
    check_choice(kind, Kind, field="kind", label=_("组织类型"))
    region = locked.region
    if region_code and region_code != locked.region_code:
        region = region_by_code(region_code, "region_code")
        check_in_scope(actor, region, field="region_code", label=_("活动地域"),
                       organisation=locked)
        locked.region, locked.region_code = region, region.code
    # Always: a change of kind moves the rules as much as a change of region does.
    check_placement(kind, region, locked.authority_region)
    fields["credit_code"] = check_credit_code(kind, fields.get("credit_code", locked.credit_code),
                                               locked.pk, actor)
    _apply(locked, fields)
    groups = _target_groups(target_groups)
    _refuse_duplicate_name(locked)
    locked.version += 1
    locked.save()
    if groups is not None:
        locked.target_groups.set(groups)
    return locked


def update_refusal(organisation: Organisation, changing: set[str]) -> IllegalTransition | None:
    """Why an edit of these fields is refused by the record's status, or None: nothing of
    a deregistered organisation changes, and a filed one's filing content changes only
    through 变更备案."""
    if organisation.status == Status.DEREGISTERED:
        return IllegalTransition(_("已注销的组织不能修改"))
    if (organisation.kind == Kind.COMMUNITY and organisation.status == Status.ACTIVE
            and changing & set(FILED_FIELDS)):
        return IllegalTransition(
            _("已备案组织的名称、负责人、活动场所、成员、活动地域、业务范围须通过变更备案修改"))
    return None


@transaction.atomic
def organisation_set_status(*, actor, organisation: Organisation, status: str,
                            reason: str) -> Organisation:
    """Suspend or resume activity (deregistration of filed groups goes through 注销备案)."""
    access = access_for(actor)
    if not (access.can(Perm.REVIEW) and access.covers(organisation.authority_region_code)):
        raise NotFound()
    check_choice(status, Status, field="status", label=_("状态"))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    allowed = {Status.ACTIVE: {Status.SUSPENDED}, Status.SUSPENDED: {Status.ACTIVE}}
    if status not in allowed.get(organisation.status, set()):
        raise IllegalTransition(_("组织当前为“%(s)s”,不能改为该状态") % {
            "s": organisation.get_status_display()})
    if not reason.strip():
        raise Invalid(_("请填写原因"), details={"reason": [_("必填")]})
    if len(reason.strip()) > REASON_MAX:
        message = _("原因不能超过 %(n)d 个字") % {"n": REASON_MAX}
        raise Invalid(message, details={"reason": [message]})
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


def _validated_changes(actor, organisation: Organisation, changes) -> dict:
    """The new values of a 变更备案, checked as strictly as an edit would be: only filed
    content, text of the right type and length, a bounded count, a region inside the
    actor's scope and the filing body's area. Anything else is refused, never dropped."""
    if not isinstance(changes, dict):
        raise Invalid(_("变更内容格式有误"), details={"changes": [_("格式有误")]})
    unknown = [str(k)[:32] for k in changes if k not in FILED_FIELDS]
    if unknown:
        message = _("变更备案只能变更名称、负责人、活动场所、成员人数、业务范围和活动地域,"
                    "不能变更:%(k)s") % {"k": "、".join(unknown)}
        raise Invalid(message, details={"changes": [message]})
    clean = {}
    for key, value in changes.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key == "members_count":
            value = check_count(value, field=key, label=_("成员人数"))
        elif not isinstance(value, str):
            label = Organisation._meta.get_field(key).verbose_name
            raise Invalid(_("%(f)s应为文字") % {"f": label}, details={key: [_("应为文字")]})
        else:
            value = value.strip()
        if str(getattr(organisation, key)) != str(value):
            clean[key] = value
    if not clean:
        raise Invalid(_("变更备案须至少填写一项与现有备案内容不同的事项"))
    check_lengths(Organisation, clean)
    if "region_code" in clean:
        region = region_by_code(clean["region_code"], "region_code")
        check_in_scope(actor, region, field="region_code", label=_("新活动地域"),
                       organisation=organisation)
        check_placement(organisation.kind, region, organisation.authority_region)
    return clean


@transaction.atomic
def filing_submit(*, actor, organisation: Organisation, kind: str, changes: dict | None = None,
                  reason: str = "") -> Filing:
    if not can_edit(actor, organisation, organisation.region_code):
        raise NotFound()
    check_choice(kind, FilingKind, field="kind", label=_("备案事项"))
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
        changes = _validated_changes(actor, organisation, changes)
    else:
        changes = {}  # only a change filing carries new values
        if kind == FilingKind.DEREGISTER and not reason.strip():
            raise Invalid(_("注销备案须说明原因"), details={"reason": [_("必填")]})
    filing = Filing.objects.create(
        organisation=organisation, kind=kind, filing_region=organisation.authority_region,
        filing_region_code=organisation.authority_region_code, changes=changes or {},
        reason=reason.strip(), submitted_by=actor,
        due_on=timezone.localdate() + timedelta(days=review_days()))
    _event(filing, actor, "submit", "", reason.strip())
    from linli.orgs.notices import filing_transitioned

    filing_transitioned(actor=actor, filing=filing, action="submit")
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
    """What an approval does, one explicit branch per kind of filing. A kind this code
    does not know (a row written around the services) is refused: never a default that
    changes the organisation."""
    organisation = Organisation.objects.select_for_update().get(pk=filing.organisation_id)
    if filing.kind == FilingKind.ESTABLISH:
        filing.filing_number = _next_filing_number(filing)
        organisation.status = Status.ACTIVE
        organisation.filing_number, organisation.filed_on = filing.filing_number, today
    elif filing.kind == FilingKind.CHANGE:
        changes = dict(filing.changes)
        if "region_code" in changes:
            region = region_by_code(changes.pop("region_code"), "region_code")
            check_placement(organisation.kind, region, organisation.authority_region)
            organisation.region, organisation.region_code = region, region.code
        _apply(organisation, changes)
        _refuse_duplicate_name(organisation)
    elif filing.kind == FilingKind.DEREGISTER:
        organisation.status = Status.DEREGISTERED
    else:
        raise IllegalTransition(_("备案事项“%(k)s”无法识别,不能准予备案;请撤回该申请") % {
            "k": str(filing.kind)[:32]})
    organisation._change_reason = f"{filing.get_kind_display()} #{filing.pk}"
    organisation.version += 1
    organisation.save()


def _resubmit(actor, filing: Filing, changes) -> None:
    """A returned filing goes back with a new due date; a change filing may bring corrected
    values, any other kind none."""
    if isinstance(changes, dict):
        changes = {k: v for k, v in changes.items() if v not in (None, "")}
    if changes and filing.kind != FilingKind.CHANGE:
        raise Invalid(_("只有变更备案可以填写变更内容"), details={"changes": [_("不适用")]})
    if changes:
        filing.changes = _validated_changes(actor, filing.organisation, changes)
    filing.due_on = timezone.localdate() + timedelta(days=review_days())


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
        _resubmit(actor, filing, changes)
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
    from linli.orgs.notices import filing_transitioned

    filing_transitioned(actor=actor, filing=filing, action=action)
    return filing
