"""Matters through 「四议两公开」: one order of steps, one service that moves a matter, and the
meeting record checked against the rules kept as data (``QuorumRule``). A meeting that
fails its quorum or its vote is recorded as it was, with the arithmetic, and does not move
the matter; a step is never skipped; going back needs a reason."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm
from linli.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from linli.governance.models import (
    STEP_MEETINGS,
    STEPS,
    Basis,
    Matter,
    MatterCategory,
    MatterEvent,
    MatterStatus,
    Meeting,
    MeetingKind,
    Publication,
    QuorumRule,
    Source,
    Step,
)
from linli.regions.models import Level, Region

COUNT_MAX = 100_000  # people at one meeting: a village's villagers at most


def matters_visible(actor) -> QuerySet[Matter]:
    """The matters of the actor's area, for those with the 基层治理与议事协商 domain."""
    access = access_for(actor)
    if not access.sees_domain(Domain.GOVERNANCE):
        return Matter.objects.none()
    return access.filter(Matter.objects.all())


def matter_get(*, actor, pk: int) -> Matter:
    found = matters_visible(actor).filter(pk=pk).select_related("region").first()
    if found is None:
        raise NotFound()
    return found


def _refuse(errors: dict) -> None:
    if errors:
        raise Invalid(next(iter(errors.values()))[0], details=errors)


def _may_edit(actor, code: str) -> None:
    access = access_for(actor)
    if not (access.can(Perm.EDIT) and access.sees_domain(Domain.GOVERNANCE)
            and access.covers(code)):
        raise Forbidden(_("只有本村(社区)及上级的基层治理工作人员可以登记议事协商"))


# --- the rules -------------------------------------------------------------------------------

@dataclass
class Reckoning:
    quorum_met: bool
    passed: bool | None
    lines: list[str] = field(default_factory=list)


def _share(count: int, base: int, numerator: int, denominator: int, strict: bool) -> bool:
    """count / base > (or ≥) numerator / denominator, in integers."""
    if base == 0:
        return False
    left, right = count * denominator, base * numerator
    return left > right if strict else left >= right


def _said(count: int, base: int, numerator: int, denominator: int, strict: bool) -> str:
    need = _("超过") if strict else _("不少于")
    return _("%(c)d / %(b)d,须%(w)s %(n)d/%(d)d") % {"c": count, "b": base, "w": need,
                                                    "n": numerator, "d": denominator}


def reckon(rule: QuorumRule, *, due: int, present: int, households_due: int | None,
           households_present: int | None, votes_for: int | None) -> Reckoning:
    """Is the meeting valid, and does the vote pass? Each with its arithmetic."""
    people = _share(present, due, rule.present_numerator, rule.present_denominator,
                    rule.present_strict)
    lines = [_("出席:%(s)s,%(ok)s") % {
        "s": _said(present, due, rule.present_numerator, rule.present_denominator,
                   rule.present_strict), "ok": _("达到") if people else _("未达到")}]
    households = False
    if rule.households_numerator and households_due:
        households = _share(households_present or 0, households_due, rule.households_numerator,
                            rule.households_denominator, False)
        lines.append(_("或户代表:%(s)s,%(ok)s") % {
            "s": _said(households_present or 0, households_due, rule.households_numerator,
                       rule.households_denominator, False),
            "ok": _("达到") if households else _("未达到")})
    quorum = people or households
    if not quorum:
        lines.append(_("会议人数不足,会议无效,表决不计"))
        return Reckoning(False, None, lines)
    if votes_for is None:
        return Reckoning(True, None, lines)
    base = due if rule.majority_basis == Basis.DUE else present
    passed = _share(votes_for, base, rule.majority_numerator, rule.majority_denominator,
                    rule.majority_strict)
    lines.append(_("赞成(以%(b)s为基数):%(s)s,%(ok)s") % {
        "b": Basis(rule.majority_basis).label,
        "s": _said(votes_for, base, rule.majority_numerator, rule.majority_denominator,
                   rule.majority_strict), "ok": _("通过") if passed else _("未通过")})
    return Reckoning(True, passed, lines)


# --- matters ---------------------------------------------------------------------------------

@transaction.atomic
def matter_create(*, actor, region_code: str, title: str, origin: str, category: str,
                  major: bool = True, description: str = "", appeal_id: int | None = None
                  ) -> Matter:
    errors: dict[str, list[str]] = {}
    region = Region.objects.filter(code=region_code, level=Level.VILLAGE).first()
    if region is None:
        errors["region_code"] = [_("请选择村(社区)")]
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("请填写议题(200 字以内)")]
    if origin not in Source.values:
        errors["origin"] = [_("请选择事由来源")]
    if category not in MatterCategory.values:
        errors["category"] = [_("请选择类别")]
    _refuse(errors)
    _may_edit(actor, region.code)
    appeal = None
    if appeal_id:
        from linli.appeals.selectors import appeal_get

        appeal = appeal_get(actor=actor, pk=appeal_id)
    matter = Matter.objects.create(region=region, region_code=region.code, title=title,
                                   origin=origin, category=category, major=major,
                                   description=(description or "").strip()[:4000],
                                   appeal=appeal, created_by=actor)
    MatterEvent.objects.create(matter=matter, to_step=matter.step, actor=actor)
    return matter


def _next(step: str) -> str | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def _advance(matter: Matter, actor, *, meeting: Meeting | None = None) -> None:
    before, after = matter.step, _next(matter.step)
    if after is None:
        matter.status = MatterStatus.DONE
    else:
        matter.step = after
    matter.save(update_fields=["step", "status"])
    MatterEvent.objects.create(matter=matter, from_step=before,
                               to_step=after or before, meeting=meeting, actor=actor)


def _locked(actor, matter: Matter) -> Matter:
    found = matters_visible(actor).select_for_update().filter(pk=matter.pk).first()
    if found is None:
        raise NotFound()
    _may_edit(actor, found.region_code)
    if found.status != MatterStatus.OPEN:
        raise IllegalTransition(_("议题已%(s)s") % {"s": found.get_status_display()})
    return found


def _count(values: dict, name: str, label: str, errors: dict, *, required: bool) -> int | None:
    value = values.get(name)
    if value in (None, ""):
        if required:
            errors[name] = [_("请填写%(f)s") % {"f": label}]
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= COUNT_MAX:
        errors[name] = [_("%(f)s应为 0 至 %(n)d 的整数") % {"f": label, "n": COUNT_MAX}]
        return None
    return value


@transaction.atomic
def meeting_record(*, actor, kind: str, held_on: date, matter: Matter | None = None,
                   region_code: str = "", notified_on: date | None = None, place: str = "",
                   form: str = "", content: str = "", minutes: str = "",
                   township_attendees: str = "", **counts) -> Meeting:
    """Record a meeting. For a matter it must be the meeting its current step takes; when
    it is valid and passes, the matter moves to the next step."""
    errors: dict[str, list[str]] = {}
    if kind not in MeetingKind.values:
        _refuse({"kind": [_("请选择会议类型")]})
    if matter is not None:
        matter = _locked(actor, matter)
        region = matter.region
        allowed = STEP_MEETINGS.get(matter.step, ())
        if kind not in allowed:
            raise IllegalTransition(_("议题当前在“%(s)s”环节,须召开%(k)s,不能越过或倒回") % {
                "s": matter.get_step_display(),
                "k": "或".join(str(MeetingKind(k).label) for k in allowed) or _("(无需会议)")})
    else:
        region = Region.objects.filter(code=region_code, level=Level.VILLAGE).first()
        if region is None:
            _refuse({"region_code": [_("请选择村(社区)")]})
        _may_edit(actor, region.code)
    if held_on > timezone.localdate():
        errors["held_on"] = [_("会议日期不能晚于今天")]
    due = _count(counts, "due", _("应到人数"), errors, required=True)
    present = _count(counts, "present", _("实到人数"), errors, required=True)
    households_due = _count(counts, "households_due", _("应到户数"), errors, required=False)
    households_present = _count(counts, "households_present", _("到会户代表"), errors,
                                required=False)
    votes = {name: _count(counts, name, label, errors, required=False)
             for name, label in (("votes_for", _("赞成票")), ("votes_against", _("反对票")),
                                 ("votes_abstain", _("弃权票")))}
    if due is not None and present is not None and present > due:
        errors["present"] = [_("实到人数(%(p)d)不能多于应到人数(%(d)d)") % {
            "p": present, "d": due}]
    if households_due is not None and (households_present or 0) > households_due:
        errors["households_present"] = [_("到会户代表不能多于应到户数")]
    cast = sum(v or 0 for v in votes.values())
    if present is not None and cast > present:
        errors["votes_for"] = [_("赞成、反对、弃权合计 %(c)d 票,多于实到人数 %(p)d") % {
            "c": cast, "p": present}]
    if matter is not None and votes["votes_for"] is None:
        errors["votes_for"] = [_("议题的会议须记录表决结果")]
    _refuse(errors)
    rule = QuorumRule.objects.get(kind=kind)
    result = reckon(rule, due=due, present=present, households_due=households_due,
                    households_present=households_present, votes_for=votes["votes_for"])
    warnings = []
    if rule.notice_days and (notified_on is None
                             or notified_on > held_on - timedelta(days=rule.notice_days)):
        warnings.append(_("%(k)s应提前 %(n)d 天通知村民") % {
            "k": MeetingKind(kind).label, "n": rule.notice_days})
    meeting = Meeting.objects.create(
        matter=matter, step=matter.step if matter else "", region=region,
        region_code=region.code, kind=kind, held_on=held_on, notified_on=notified_on,
        place=place[:100], form=form[:40], due=due, present=present,
        households_due=households_due, households_present=households_present, **votes,
        content=content[:4000], minutes=minutes[:8000],
        township_attendees=township_attendees[:200], quorum_met=result.quorum_met,
        passed=result.passed, reckoning="\n".join(result.lines), warnings=warnings,
        recorded_by=actor)
    if matter is not None and result.quorum_met and result.passed:
        _advance(matter, actor, meeting=meeting)
    return meeting


@transaction.atomic
def matter_publish(*, actor, matter: Matter, place: str, text: str, start_on: date,
                   end_on: date) -> Publication:
    """决议公开 or 实施结果公开, at the step the matter is at (never before its decision)."""
    matter = _locked(actor, matter)
    if matter.step not in (Step.PUBLISH_RESOLUTION, Step.PUBLISH_RESULT):
        raise IllegalTransition(_("议题当前在“%(s)s”环节,决议通过后才能公开") % {
            "s": matter.get_step_display()})
    errors = {}
    if not (place or "").strip():
        errors["place"] = [_("请填写公开地点")]
    if not (text or "").strip():
        errors["text"] = [_("请填写公开内容")]
    if end_on < start_on:
        errors["end_on"] = [_("公开截止日期不能早于起始日期")]
    _refuse(errors)
    publication = Publication.objects.create(matter=matter, step=matter.step,
                                             place=place.strip()[:100],
                                             text=text.strip()[:4000], start_on=start_on,
                                             end_on=end_on, recorded_by=actor)
    _advance(matter, actor)
    return publication


@transaction.atomic
def matter_step_back(*, actor, matter: Matter, reason: str) -> Matter:
    """Back one step (a decision to be taken again), with the reason recorded."""
    matter = _locked(actor, matter)
    reason = (reason or "").strip()
    if not reason:
        _refuse({"reason": [_("退回上一环节须填写理由")]})
    index = STEPS.index(matter.step)
    if index == 0:
        raise IllegalTransition(_("议题已在第一个环节"))
    before, matter.step = matter.step, STEPS[index - 1]
    matter.save(update_fields=["step"])
    MatterEvent.objects.create(matter=matter, from_step=before, to_step=matter.step,
                               reason=reason[:500], actor=actor)
    return matter
