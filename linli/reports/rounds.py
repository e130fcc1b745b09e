"""Every write of the reporting rounds (GLOSSARY §9, after DHIS2's data approval): the
province opens a round, each unit drafts, submits, and is approved or sent back.

A county reports to its 市(州) 民政局, a 市(州) and a bureau to the round's owner bureau. A
level approves only after every unit below it has: a prefecture submits, and is approved,
only when all its counties' reports are approved; a county's report is not sent back while
its prefecture's report stands on it. Submitting freezes the figures of the annex,
returning thaws them. Every step is one transaction with its ReportEvent and its notices.
"""

import logging
from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Bureau, Perm, Role
from linli.core import indicators as registry
from linli.core.bounds import check_date
from linli.core.errors import Forbidden, IllegalTransition, Invalid
from linli.regions.models import PROVINCE_CODE, Level, Region
from linli.reports import annex, round_notices
from linli.reports.drafts import draft_sections
from linli.reports.models import (
    DEFAULT_SECTIONS,
    EDITABLE_STATUSES,
    Report,
    ReportAction,
    ReportEvent,
    ReportStatus,
    Round,
    RoundStatus,
)
from linli.reports.selectors import is_reviewer, is_unit_staff, may_open_rounds, owns_round

logger = logging.getLogger(__name__)

TITLE_MAX = Round._meta.get_field("title").max_length
SECTION_TITLE_MAX = 40
SECTIONS_MAX = 12
SECTION_TEXT_MAX = 20_000  # one section of a summary report; a whole report is a few pages
REASON_MAX = 2_000

# action → (statuses it starts from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    ReportAction.SAVE: (EDITABLE_STATUSES, None),
    ReportAction.SUBMIT: (EDITABLE_STATUSES, ReportStatus.SUBMITTED),
    ReportAction.APPROVE: (frozenset({ReportStatus.SUBMITTED}), ReportStatus.APPROVED),
    ReportAction.RETURN: (frozenset({ReportStatus.SUBMITTED, ReportStatus.APPROVED}),
                          ReportStatus.RETURNED),
}
REVIEW_ACTIONS = frozenset({ReportAction.APPROVE, ReportAction.RETURN})
STANDING = frozenset({ReportStatus.SUBMITTED, ReportStatus.APPROVED})  # with or past review


def _refuse(field: str, message: str):
    raise Invalid(message, details={field: [message]})


# --- opening a round -----------------------------------------------------------------------

def _owner_bureau(actor) -> str:
    return next((m.bureau for m in access_for(actor).memberships
                 if m.role == Role.PROVINCE_BUREAU and m.bureau), Bureau.SOCIAL_ORGANIZATIONS)


def _checked_sections(sections) -> list[str]:
    titles = [str(t).strip() for t in (DEFAULT_SECTIONS if sections is None else sections)]
    titles = [t for t in titles if t]
    if not titles:
        _refuse("sections", _("请至少设置一个报告章节"))
    if len(titles) > SECTIONS_MAX:
        _refuse("sections", _("报告章节不能超过 %(n)d 个") % {"n": SECTIONS_MAX})
    if any(len(t) > SECTION_TITLE_MAX for t in titles):
        _refuse("sections", _("章节标题不能超过 %(n)d 个字") % {"n": SECTION_TITLE_MAX})
    if len(set(titles)) != len(titles):
        _refuse("sections", _("章节标题不能重复"))
    return titles


def _checked_indicators(indicators) -> list[str]:
    found = registry.registered()
    known = [i.key for i in found]
    if indicators is None:  # the headline figures; a breakdown only when asked for
        return [i.key for i in found if not i.breakdown]
    codes = list(dict.fromkeys(str(c) for c in indicators))
    unknown = [c[:40] for c in codes if c not in known]
    if unknown:
        _refuse("indicators", _("指标不存在:%(c)s") % {"c": "、".join(unknown[:5])})
    if not codes:
        _refuse("indicators", _("请至少选择一项附表指标"))
    return [c for c in known if c in codes]  # in the registry's order


def _checked_dates(period_start: date, period_end: date, deadline: date) -> None:
    for value, field, label in ((period_start, "period_start", _("统计起始日期")),
                                (period_end, "period_end", _("统计截止日期")),
                                (deadline, "deadline", _("报送截止日期"))):
        if not isinstance(value, date):
            _refuse(field, _("%(f)s应为日期") % {"f": label})
        check_date(value, field=field, label=label)
    if period_end < period_start:
        _refuse("period_end", _("统计截止日期不能早于起始日期"))
    if deadline < timezone.localdate():
        _refuse("deadline", _("报送截止日期不能早于今天"))
    if deadline < period_start:
        _refuse("deadline", _("报送截止日期不能早于统计起始日期"))


def _checked_bureaus(bureaus) -> list[str]:
    if bureaus is None:
        return list(Bureau.values)
    codes = list(dict.fromkeys(str(b) for b in bureaus))
    unknown = [c[:32] for c in codes if c not in Bureau.values]
    if unknown:
        _refuse("bureaus", _("处室不存在:%(c)s") % {"c": "、".join(unknown[:5])})
    if not codes:
        _refuse("bureaus", _("请至少选择一个报送处室"))
    return [b for b in Bureau.values if b in codes]


def _units(report_prefectures: bool, report_counties: bool, bureaus: list[str]) -> list:
    """(region, bureau) of every unit expected to report."""
    levels = [level for level, wanted in ((Level.PREFECTURE, report_prefectures),
                                          (Level.COUNTY, report_counties)) if wanted]
    regions = list(Region.objects.filter(level__in=levels).order_by("code"))
    province = Region.objects.get(code=PROVINCE_CODE) if bureaus else None
    return [(r, "") for r in regions] + [(province, b) for b in bureaus]


@transaction.atomic
def round_open(*, actor, title: str, period_start: date, period_end: date, deadline: date,
               sections: list[str] | None = None, indicators: list[str] | None = None,
               report_prefectures: bool = True, report_bureaus: bool = True,
               report_counties: bool = False, bureaus: list[str] | None = None) -> Round:
    """A province bureau calls for reports: one Report per expected unit, each told; their
    drafts are written from the figures in the background (``report_prefill``)."""
    if not may_open_rounds(actor):
        raise Forbidden(_("只有省厅处室可以发起报送任务"))
    title = (title or "").strip()
    if not title:
        _refuse("title", _("请填写标题"))
    if len(title) > TITLE_MAX:
        _refuse("title", _("标题不能超过 %(n)d 个字") % {"n": TITLE_MAX})
    _checked_dates(period_start, period_end, deadline)
    titles = _checked_sections(sections)
    chosen = _checked_bureaus(bureaus) if report_bureaus else []
    if not (report_prefectures or report_counties or chosen):
        _refuse("levels", _("请至少选择一个报送层级"))
    opened = Round.objects.create(
        title=title, period_start=period_start, period_end=period_end, deadline=deadline,
        sections=titles, indicators=_checked_indicators(indicators),
        report_prefectures=report_prefectures, report_bureaus=bool(chosen),
        report_counties=report_counties, owner_bureau=_owner_bureau(actor), opened_by=actor)
    blank = [{"title": t, "text": ""} for t in titles]
    reports = Report.objects.bulk_create([
        Report(round=opened, region=region, region_code=region.code, bureau=bureau,
               sections=blank) for region, bureau in _units(report_prefectures,
                                                             report_counties, chosen)])
    ReportEvent.objects.bulk_create([
        ReportEvent(report=r, action=ReportAction.CREATE, to_status=ReportStatus.DRAFT,
                    actor=actor) for r in reports])
    round_notices.round_opened(actor=actor, reports=reports)
    from linli.reports.tasks import round_prefill_task

    transaction.on_commit(lambda: round_prefill_task.enqueue(opened.pk))
    return opened


@transaction.atomic
def report_prefill(report: Report) -> Report:
    """Write each blank section's draft from the unit's live figures (one annex
    computation); a section someone has written is left as it is."""
    rows = annex.live_rows(report)
    report = Report.objects.select_for_update().select_related("round", "region").get(
        pk=report.pk)
    if report.status not in EDITABLE_STATUSES:
        return report
    drafts = {s["title"]: s["text"] for s in draft_sections(report, rows)}
    report.sections = [{"title": s["title"], "text": s["text"] or drafts.get(s["title"], "")}
                       for s in report.sections]
    report.prefilled_at = timezone.now()
    report.save(update_fields=["sections", "prefilled_at", "updated_at"])
    return report


def round_prefill(round_id: int) -> int:
    """Every report of the round not yet drafted; answers how many were. One unit's figures
    failing to compute leaves its report blank (and logged), not the other units'."""
    waiting = (Report.objects.filter(round_id=round_id, prefilled_at__isnull=True)
               .select_related("round", "region").order_by("bureau", "region_code"))
    count = 0
    for report in waiting:
        try:
            report_prefill(report)
        except Exception:
            logger.exception("report %s: the draft could not be written", report.pk)
        else:
            count += 1
    return count


# --- the workflow --------------------------------------------------------------------------

def _event(report: Report, actor, action: str, before: str, comment: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, from_status=before,
                               to_status=report.status, actor=actor, comment=comment)


def _move(actor, report: Report, action: str, comment: str = "") -> Report:
    """The step itself: the new status, its event and its notices."""
    before = report.status
    report.status = TRANSITIONS[action][1] or before
    report.save()
    _event(report, actor, action, before, comment)
    round_notices.report_transitioned(actor=actor, report=report, action=action,
                                      comment=comment)
    return report


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("round", "region").get(pk=report.pk)


def _check_step(actor, report: Report, action: str) -> None:
    sources, _target = TRANSITIONS[action]
    label = ReportAction(action).label
    if report.round.status == RoundStatus.CLOSED and action not in REVIEW_ACTIONS:
        raise IllegalTransition(_("报送任务“%(t)s”已结束,不能再%(a)s;如需补报,请汇总处室"
                                  "重新开放") % {"t": report.round.title, "a": label})
    if report.status not in sources:
        if action == ReportAction.SAVE:
            raise IllegalTransition(_("报告%(s)s,内容和附表数据已冻结,不能修改;"
                                      "如需修改,请审核单位退回") % {
                "s": report.get_status_display()})
        raise IllegalTransition(_("报告当前为“%(s)s”,不能%(a)s") % {
            "s": report.get_status_display(), "a": label})
    if action in REVIEW_ACTIONS and not is_reviewer(actor, report):
        raise Forbidden(_("只有审核单位可以%(a)s这份报告") % {"a": label})
    if action not in REVIEW_ACTIONS and not is_unit_staff(actor, report):
        raise Forbidden(_("只有%(u)s的工作人员可以%(a)s这份报告") % {
            "u": report.unit_name, "a": label})


def _apply_sections(report: Report, sections: Mapping[str, str]) -> None:
    """The texts of the round's sections; a title the round does not have is refused."""
    if not isinstance(sections, Mapping):
        _refuse("sections", _("报告正文格式有误"))
    titles = [s["title"] for s in report.sections]
    unknown = [str(t)[:SECTION_TITLE_MAX] for t in sections if t not in titles]
    if unknown:
        _refuse("sections", _("本次报送没有这些章节:%(t)s") % {"t": "、".join(unknown[:5])})
    for title, text in sections.items():
        if not isinstance(text, str):
            _refuse("sections", _("“%(t)s”的内容应为文字") % {"t": title})
        if len(text) > SECTION_TEXT_MAX:
            _refuse("sections", _("“%(t)s”不能超过 %(n)d 个字") % {
                "t": title, "n": SECTION_TEXT_MAX})
    report.sections = [{"title": s["title"], "text": sections.get(s["title"], s["text"])
                        .replace("\r\n", "\n").strip()} for s in report.sections]


@transaction.atomic
def report_save(*, actor, report: Report, sections: Mapping[str, str]) -> Report:
    """The unit's staff write the sections (title → text), while a draft or returned."""
    report = _locked(report)
    _check_step(actor, report, ReportAction.SAVE)
    _apply_sections(report, sections)
    return _move(actor, report, ReportAction.SAVE)


def _counties_not_approved(report: Report) -> list[Report]:
    """A prefecture's report: its counties' reports in the round not yet approved."""
    if report.bureau or report.region.level != Level.PREFECTURE:
        return []
    return list(Report.objects.filter(round_id=report.round_id, bureau="",
                                      region__level=Level.COUNTY,
                                      region_code__startswith=report.region_code)
                .exclude(status=ReportStatus.APPROVED).select_related("region")
                .order_by("region_code"))


def _check_counties(report: Report, action: str) -> None:
    missing = _counties_not_approved(report)
    if missing:
        names = "、".join(r.region.name for r in missing)
        raise IllegalTransition(_("下辖县级报告尚未全部审核通过,不能%(a)s:%(n)s") % {
            "a": ReportAction(action).label, "n": names},
            details={"counties": [r.region.name for r in missing]})


@transaction.atomic
def report_submit(*, actor, report: Report, sections: Mapping[str, str] | None = None,
                  comment: str = "") -> Report:
    """Send the report to its reviewer, freezing its figures; after the deadline it is
    still taken, marked late. Timeliness is that of the first sending: a report sent in
    time, returned for correction and sent again after the deadline is not late."""
    report = _locked(report)
    _check_step(actor, report, ReportAction.SUBMIT)
    if sections is not None:
        _apply_sections(report, sections)
    empty = [s["title"] for s in report.sections if not s["text"].strip()]
    if empty:
        _refuse("sections", _("请填写“%(t)s”后再报送") % {"t": "”“".join(empty)})
    _check_counties(report, ReportAction.SUBMIT)
    if report.submitted_at is None:  # the first sending
        report.late = timezone.localdate() > report.round.deadline
    report.submitted_at, report.submitted_by = timezone.now(), actor
    annex.freeze(report)
    return _move(actor, report, ReportAction.SUBMIT, _comment(comment))


def _comment(text: str) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX:
        _refuse("comment", _("意见不能超过 %(n)d 个字") % {"n": REASON_MAX})
    return text


@transaction.atomic
def report_approve(*, actor, report: Report, comment: str = "") -> Report:
    report = _locked(report)
    _check_step(actor, report, ReportAction.APPROVE)
    _check_counties(report, ReportAction.APPROVE)
    report.approved_at, report.approved_by = timezone.now(), actor
    return _move(actor, report, ReportAction.APPROVE, _comment(comment))


def _check_prefecture_free(report: Report) -> None:
    """A county's report is not sent back while its prefecture's report, which rests on
    it, is with the province or approved: that one is returned first."""
    if report.bureau or report.region.level != Level.COUNTY:
        return
    # Locked, so the prefecture cannot be submitting on this county's approval meanwhile.
    above = (Report.objects.select_for_update().filter(
        round_id=report.round_id, bureau="", region_code=report.region_code[:4]).first())
    if above is not None and above.status in STANDING:
        raise IllegalTransition(_("%(p)s的报告%(s)s,须先退回市(州)报告,才能退回本报告") % {
            "p": above.region.name, "s": above.get_status_display()})


@transaction.atomic
def report_return(*, actor, report: Report, reason: str) -> Report:
    """Send a submitted or approved report back down, with a reason; its figures are live
    again until it is resubmitted."""
    report = _locked(report)
    _check_step(actor, report, ReportAction.RETURN)
    reason = _comment(reason)
    if not reason:
        _refuse("reason", _("退回须填写理由"))
    _check_prefecture_free(report)
    report.approved_at = report.approved_by = None
    annex.thaw(report)
    return _move(actor, report, ReportAction.RETURN, reason)


# --- the round itself ----------------------------------------------------------------------

def _check_owner(actor, round: Round, label: str) -> None:
    if not (access_for(actor).can(Perm.EDIT) and owns_round(actor, round)):
        raise Forbidden(_("只有汇总处室(%(b)s)可以%(a)s") % {
            "b": Bureau(round.owner_bureau).label, "a": label})


@transaction.atomic
def round_close(*, actor, round: Round) -> Round:
    """结束报送: the units no longer write or send (the reviewers still decide on what was
    sent); reminders stop. Its history keeps who closed it and when."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    _check_owner(actor, round, _("结束报送任务"))
    if round.status == RoundStatus.CLOSED:
        raise IllegalTransition(_("报送任务已结束"))
    round.status = RoundStatus.CLOSED
    round.save(update_fields=["status"])
    return round


@transaction.atomic
def round_reopen(*, actor, round: Round) -> Round:
    """重新开放, for a late unit: its report can be written and sent again (marked late)."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    _check_owner(actor, round, _("重新开放报送任务"))
    if round.status == RoundStatus.OPEN:
        raise IllegalTransition(_("报送任务仍在进行中"))
    round.status = RoundStatus.OPEN
    round.save(update_fields=["status"])
    return round
