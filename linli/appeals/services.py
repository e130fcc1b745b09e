"""Writes of appeals: intake from every channel, and one transitions table with one
function enforcing it (as the 备案 workflow does): who may take the step, what it needs
(a reason, a result, consent before data leaves the registering unit), the step's due
time, an event and the notices."""

import re
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.models import Membership
from linli.accounts.roles import DOMAIN_BITS, ORG_ROLES, Perm, Role, domains_for
from linli.appeals.models import (
    Appeal,
    AppealAction,
    AppealEvent,
    AppealStatus,
    Category,
    Channel,
    ConsentBasis,
    Referral,
    ReferralStatus,
    Satisfaction,
    Step,
    Urgency,
)
from linli.appeals.selectors import (
    appeals_visible,
    due_after,
    due_hours,
    forces_for,
    is_referral_unit,
    is_registering_side,
    open_referral,
)
from linli.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from linli.core.notifications import notify
from linli.people.selectors import person_get, visible
from linli.regions.models import Level, Region

REOPEN_DAYS = 30
TEXT_MAX = 2000
NOTE_MAX = 500

S = AppealStatus
A = AppealAction
# action → (statuses it starts from, the status it leads to, who takes it)
HOLDER, UNIT, HANDLER = "holder", "unit", "handler"
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    A.ACCEPT: (frozenset({S.PENDING}), S.ACCEPTED, HOLDER),
    A.REJECT: (frozenset({S.PENDING}), S.REJECTED, HOLDER),
    A.REFER: (frozenset({S.ACCEPTED}), S.REFERRED, HOLDER),
    A.TAKE: (frozenset({S.REFERRED}), S.TAKEN, UNIT),
    A.SEND_BACK: (frozenset({S.REFERRED}), S.ACCEPTED, UNIT),
    A.START: (frozenset({S.ACCEPTED, S.TAKEN}), S.IN_PROGRESS, HANDLER),
    A.FINISH: (frozenset({S.IN_PROGRESS}), S.DONE, HANDLER),
    A.FOLLOW_UP: (frozenset({S.DONE}), S.FOLLOWED_UP, HOLDER),
    A.CLOSE: (frozenset({S.FOLLOWED_UP}), S.CLOSED, HOLDER),
    A.REOPEN: (frozenset({S.CLOSED, S.REJECTED}), S.ACCEPTED, HOLDER),
}
# the step whose due time runs in each status
STATUS_STEP = {S.PENDING: Step.ACCEPT, S.REFERRED: Step.TAKE, S.ACCEPTED: Step.HANDLE,
               S.TAKEN: Step.HANDLE, S.IN_PROGRESS: Step.HANDLE, S.DONE: Step.FOLLOW_UP}


def _refuse(field: str, message: str):
    raise Invalid(message, details={field: [message]})


def _text(value, field: str, *, required: str = "", maximum: int = TEXT_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        _refuse(field, required)
    if len(text) > maximum:
        _refuse(field, _("不能超过 %(n)d 个字") % {"n": maximum})
    return text


def _category(code_or_pk) -> Category:
    found = Category.objects.filter(is_active=True).filter(
        **({"pk": code_or_pk} if isinstance(code_or_pk, int) else {"code": code_or_pk})).first()
    if found is None:
        _refuse("category", _("请选择诉求类别"))
    return found


def _intake_region(actor, code: str) -> Region:
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        _refuse("region_code", _("请选择诉求人所在的村(社区)"))
    access = access_for(actor)
    if not (access.covers(region.code) or _in_organisations_area(access, region.code)):
        _refuse("region_code", _("所在地区应在您的辖区内,“%(r)s”不在其中") % {"r": region.name})
    if region.level < Level.TOWNSHIP:
        _refuse("region_code", _("请选择到村(社区)或乡镇(街道)"))
    return region


def _in_organisations_area(access, code: str) -> bool:
    """An organisation's staff take in appeals from the township it works in."""
    if not access.organisation_ids:
        return False
    from linli.orgs.models import Organisation

    areas = Organisation.objects.filter(pk__in=access.organisation_ids).values_list(
        "region_code", flat=True)
    return any(code.startswith(area[:9]) for area in areas)


# the step with a due time each action completes (a referral hands the case on: the
# village's handling is not completed by it, and the statistics do not count it so)
ACTION_STEP = {A.ACCEPT: Step.ACCEPT, A.REJECT: Step.ACCEPT, A.TAKE: Step.TAKE,
               A.SEND_BACK: Step.TAKE, A.FINISH: Step.HANDLE, A.FOLLOW_UP: Step.FOLLOW_UP}


def _stamp_due(appeal: Appeal, before: str | None, now, action: str = "") -> dict:
    """The due time of the step the new status starts; a step that goes on (受理后开始办理)
    keeps the time it had. Returns what the event records of the step ``action``
    completed: how long it took and whether in time."""
    step = STATUS_STEP.get(appeal.status)
    completed = ACTION_STEP.get(action)
    record = {}
    if completed is not None and appeal.step_started_at is not None:
        record = {"step": completed,
                  "step_seconds": max(0, int((now - appeal.step_started_at).total_seconds())),
                  "on_time": appeal.due_at is None or now <= appeal.due_at}
    if before is None or STATUS_STEP.get(before) != step:
        appeal.step_started_at = now if step is not None else None
        appeal.due_at = due_after(due_hours(step=step, category_id=appeal.category_id,
                                            urgency=appeal.urgency)) if step is not None else None
    return record


def event_add(appeal: Appeal, actor, action: str, before: str, comment: str = "",
              **step) -> AppealEvent:
    return AppealEvent.objects.create(appeal=appeal, action=action, from_status=before,
                                      to_status=appeal.status, actor=actor, comment=comment,
                                      **step)


def appeal_link(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


def _who_may_see(memberships, appeal: Appeal) -> set:
    """The users of ``memberships`` whose role (or bureau) covers the appeal's data domain:
    a notice leads to the appeal, never to a page they would get 404 on."""
    domain = appeal.category.domain
    return {m.user for m in memberships.select_related("user")
            if domain in domains_for(m.role, m.bureau)}


def place_staff(appeal: Appeal):
    """Who takes in an appeal: the village's staff and the township's assistants, and the
    registering organisation's staff."""
    memberships = Membership.objects.filter(is_active=True, region_code__in=[
        appeal.region_code, appeal.region_code[:9]], role__in=(
            Role.VILLAGE_STAFF, Role.TOWNSHIP_ASSISTANT))
    if appeal.organisation_id:
        memberships |= Membership.objects.filter(is_active=True, role__in=ORG_ROLES,
                                                 organisation_id=appeal.organisation_id)
    return _who_may_see(memberships, appeal)


def unit_staff(referral: Referral):
    if referral.to_force_id:
        organisation = referral.to_force.organisation_id
        memberships = Membership.objects.filter(is_active=True, role__in=ORG_ROLES,
                                                organisation_id=organisation) \
            if organisation else Membership.objects.none()
    else:
        memberships = Membership.objects.filter(is_active=True,
                                                region_code=referral.to_region_code)
        memberships = memberships.exclude(role__in=(*ORG_ROLES, Role.AUDITOR, Role.SYSADMIN))
    return _who_may_see(memberships, referral.appeal)


# --- intake ------------------------------------------------------------------------------------

@transaction.atomic
def appeal_create(*, actor, channel: str, category, description: str,
                  urgency: str = Urgency.NORMAL, person_id: int | None = None,
                  requester_name: str = "", requester_phone: str = "", region_code: str = "",
                  visit_id=None, consent_basis: str = "", consent_note: str = "") -> Appeal:
    """Register an appeal (待受理). The region comes from the person when one is named;
    an urgent appeal tells the village and township at once."""
    access = access_for(actor)
    if not access.can(Perm.EDIT):
        raise Forbidden(_("您没有登记诉求的权限"))
    if channel not in Channel.values or channel == Channel.PUBLIC:
        _refuse("channel", _("请选择来源渠道"))
    if urgency not in Urgency.values:
        _refuse("urgency", _("请选择紧急程度"))
    found = _category(category)
    visit = None
    if visit_id:
        from linli.visits.models import Visit

        visit = visible(Visit.objects.filter(pk=visit_id), actor, "person__").first()
        if visit is None or person_id not in (None, visit.person_id):
            raise NotFound()
        person_id, channel = visit.person_id, Channel.VISIT
        description = description or visit.needs
    text = _text(description, "description", required=_("请填写诉求内容"))
    person = person_get(actor=actor, pk=person_id) if person_id else None
    if person is not None:
        region, name = person.region, person.name
        phone = requester_phone or person.phone
    else:
        region = _intake_region(actor, region_code)
        name = _text(requester_name, "requester_name", required=_("请填写诉求人姓名"),
                     maximum=32)
        phone = requester_phone
    phone = _text(phone, "requester_phone", maximum=32)
    if consent_basis and consent_basis not in ConsentBasis.values:
        _refuse("consent_basis", _("信息共享依据无效"))
    organisation = None
    if access.organisation_ids:
        organisation_id = (person.organisation_id if person is not None
                           and person.organisation_id in access.organisation_ids
                           else min(access.organisation_ids))
        from linli.orgs.models import Organisation

        organisation = Organisation.objects.get(pk=organisation_id)
    appeal = Appeal(
        channel=channel, category=found, urgency=urgency, description=text, person=person,
        requester_name=name, requester_phone=phone, region=region, region_code=region.code,
        organisation=organisation, visit=visit, consent_basis=consent_basis,
        consent_note=_text(consent_note, "consent_note", maximum=200), created_by=actor,
        domain_mask=DOMAIN_BITS[found.domain] | (person.domain_mask if person else 0),
        birth_date=person.birth_date if person else None)
    _stamp_due(appeal, None, appeal.created_at)
    appeal.save()
    event_add(appeal, actor, A.CREATE, "", "")
    if urgency == Urgency.URGENT:
        title = _("紧急诉求:%(n)s(%(c)s)") % {"n": name, "c": found.name}
        transaction.on_commit(lambda: notify(place_staff(appeal), title=title, body=text[:200],
                                             link=appeal_link(appeal), urgent=True))
    return appeal


PHONE = re.compile(r"^[0-9０-９+\-()（） ]{7,20}$")


@transaction.atomic
def public_appeal_create(*, village_code: str, category: str, requester_name: str,
                         requester_phone: str, description: str) -> Appeal:
    """A resident's appeal from the village's public page (no login): 待受理 for the
    village, its staff and the township's told."""
    region = Region.objects.filter(code=village_code, level=Level.VILLAGE).first()
    if region is None:
        raise NotFound()
    found = _category(category)
    name = _text(requester_name, "requester_name", required=_("请填写您的姓名"), maximum=32)
    phone = _text(requester_phone, "requester_phone", required=_("请填写联系电话"), maximum=20)
    if not PHONE.match(phone):
        _refuse("requester_phone", _("请填写正确的联系电话(手机或座机号码)"))
    appeal = Appeal(channel=Channel.PUBLIC, category=found, urgency=Urgency.NORMAL,
                    description=_text(description, "description", required=_("请写下您的诉求")),
                    requester_name=name, requester_phone=phone, region=region,
                    region_code=region.code, domain_mask=DOMAIN_BITS[found.domain])
    _stamp_due(appeal, None, appeal.created_at)
    appeal.save()
    event_add(appeal, None, A.CREATE, "", _("群众通过村(社区)公开页面提交"))
    title = _("群众在线提交诉求:%(c)s(%(r)s)") % {"c": found.name, "r": region.name}
    transaction.on_commit(lambda: notify(place_staff(appeal), title=title,
                                         body=appeal.description[:200],
                                         link=appeal_link(appeal)))
    return appeal


# --- the workflow ------------------------------------------------------------------------------

def _check_actor(actor, appeal: Appeal, who: str, referral: Referral | None) -> None:
    if who == UNIT or (who == HANDLER and referral is not None
                       and referral.status == ReferralStatus.TAKEN):
        if referral is None or not is_referral_unit(actor, referral):
            raise Forbidden(_("只有承办单位(%(u)s)可以办理这一步") % {
                "u": referral.unit_name if referral else "—"})
    elif not is_registering_side(actor, appeal):
        raise Forbidden(_("只有诉求所在地或登记组织的工作人员可以办理这一步"))


def _has_consent(appeal: Appeal) -> bool:
    if appeal.consent_basis:
        return True
    if appeal.person_id is None:
        return False
    return appeal.person.consents.filter(withdrawn_on__isnull=True).exists()


def _referral(actor, appeal: Appeal, *, assistance, to_region_code: str = "",
              to_force_id: int | None = None, note: str = "") -> Referral:
    kind = _category(assistance)
    if bool(to_region_code) == bool(to_force_id):
        _refuse("unit", _("请选择转介单位:民政部门或参与力量,二者选一"))
    force, region = None, None
    if to_force_id:
        force = forces_for(actor=actor, appeal=appeal).filter(pk=to_force_id).first()
        if force is None:
            _refuse("unit", _("没有这个参与力量,或不在可转介的范围内"))
    else:
        region = Region.objects.filter(code=to_region_code).first()
        if region is None or not appeal.region_code.startswith(region.code) \
                or region.level > Level.TOWNSHIP:
            _refuse("to_region_code", _(
                "转至的民政部门应在您的辖区内,且是诉求所在地的乡镇(街道)、县、市(州)或省"
                "民政部门;“%(r)s”不是") % {"r": region.name if region else to_region_code})
    inside = force is not None and force.organisation_id is not None \
        and force.organisation_id == appeal.organisation_id
    if not inside and not _has_consent(appeal):
        _refuse("consent_basis", _("转介会把诉求人的信息提供给登记单位以外的单位:请先登记本人"
                                   "或监护人的知情同意,或注明紧急情况、履行法定职责等依据"))
    return Referral(appeal=appeal, assistance=kind, to_region=region,
                    to_region_code=region.code if region else "", to_force=force,
                    note=_text(note, "note", maximum=NOTE_MAX), referred_by=actor)


@transaction.atomic
def appeal_transition(*, actor, appeal: Appeal, action: str, comment: str = "",
                      **fields) -> Appeal:
    """Take one step of TRANSITIONS. ``fields`` are the step's own: refer (assistance,
    to_region_code or to_force_id, note), finish (result), follow_up (satisfaction),
    reject / send_back / reopen (comment as the reason)."""
    if action not in TRANSITIONS:
        _refuse("action", _("没有这个操作"))
    appeal = (appeals_visible(actor).select_for_update(of=("self",))
              .select_related("category", "person").filter(pk=appeal.pk).first())
    if appeal is None:
        raise NotFound()
    sources, target, who = TRANSITIONS[action]
    label = AppealAction(action).label
    if appeal.status not in sources:
        raise IllegalTransition(_("诉求当前为“%(s)s”,不能%(a)s") % {
            "s": appeal.get_status_display(), "a": label})
    referral = open_referral(appeal)
    _check_actor(actor, appeal, who, referral)
    comment = _text(comment, "comment", required=_("请填写理由") if action in (
        A.REJECT, A.SEND_BACK, A.REOPEN) else "")
    before, now = appeal.status, timezone.now()
    made = None
    if action == A.REFER:
        made = _referral(actor, appeal, **{k: fields.get(k) for k in (
            "assistance", "to_region_code", "to_force_id", "note") if fields.get(k)})
        made.save()
        if made.to_force_id and made.to_force.organisation_id:
            appeal.handling_organisation_id = made.to_force.organisation_id
    elif action == A.TAKE:
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.TAKEN,
                                                       answered_at=now)
    elif action == A.SEND_BACK:
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.RETURNED,
                                                       answer=comment[:NOTE_MAX],
                                                       answered_at=now)
        appeal.handling_organisation = None
    elif action == A.FINISH:
        appeal.result = _text(fields.get("result"), "result", required=_("请填写办理结果"))
        if referral is not None:
            Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.DONE)
    elif action == A.FOLLOW_UP:
        satisfaction = fields.get("satisfaction") or ""
        if satisfaction not in Satisfaction.values:
            _refuse("satisfaction", _("请选择诉求人的满意度"))
        appeal.satisfaction = satisfaction
    elif action in (A.CLOSE, A.REJECT):
        appeal.closed_at = now
    elif action == A.REOPEN:
        if appeal.closed_at is None or appeal.closed_at < now - timedelta(days=REOPEN_DAYS):
            raise IllegalTransition(_("关闭超过 %(n)d 天的诉求不能重新办理,请重新登记") % {
                "n": REOPEN_DAYS})
        appeal.closed_at = None
        appeal.result = appeal.satisfaction = ""
    appeal.status = target
    ended = _stamp_due(appeal, before, now, action)
    appeal.save()
    event_add(appeal, actor, action, before, comment or (made.note if made else ""), **ended)
    _tell(appeal, action, made)
    return appeal


def _tell(appeal: Appeal, action: str, referral: Referral | None) -> None:
    if action == A.REFER and referral is not None:
        title = _("转介待接收:%(c)s(%(r)s)") % {"c": referral.assistance.name,
                                             "r": appeal.region.name}
        users = unit_staff(referral)
        transaction.on_commit(lambda: notify(users, title=title, link=appeal_link(appeal),
                                             urgent=appeal.urgency == Urgency.URGENT))
    elif action in (A.SEND_BACK, A.FINISH):
        title = (_("转介被退回:%(n)s") if action == A.SEND_BACK
                 else _("诉求已办结,待回访:%(n)s")) % {"n": appeal.requester_name}
        users = place_staff(appeal)
        transaction.on_commit(lambda: notify(users, title=title, link=appeal_link(appeal)))


def appeal_note(*, actor, appeal: Appeal, text: str) -> AppealEvent:
    """A case note by anyone who sees the appeal and may edit (the household's joint note)."""
    if not access_for(actor).can(Perm.EDIT):
        raise Forbidden(_("您没有记录的权限"))
    found = appeals_visible(actor).filter(pk=appeal.pk).first()
    if found is None:
        raise NotFound()
    return event_add(found, actor, A.NOTE, found.status,
                  _text(text, "text", required=_("请填写记录内容")))

