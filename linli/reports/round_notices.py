"""Who hears of a report's step, and what they read (the notification centre): the unit's
staff when a round opens, when their report is approved or returned and as its deadline
nears; the reviewer when a report arrives. Every notice links the report's page, so a
later one brings the unread earlier one up to date instead of piling up.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.models import Membership, User
from linli.accounts.roles import Role
from linli.core.notifications import notify, settle
from linli.regions.models import PROVINCE_CODE, Level
from linli.reports.drafts import day
from linli.reports.models import EDITABLE_STATUSES, Report, RoundStatus


def report_link(report: Report) -> str:
    return reverse("reports:report", args=[report.pk])


def _unit_q(report: Report) -> Q:
    """The memberships of the unit's staff (as selectors.is_unit_staff)."""
    if report.bureau:
        return Q(role=Role.PROVINCE_BUREAU, bureau=report.bureau)
    return Q(role__in=(Role.PREFECTURE_BUREAU, Role.COUNTY_BUREAU),
             region_code=report.region_code)


def _users(query: Q) -> set[User]:
    members = Membership.objects.filter(query, is_active=True).select_related("user")
    return {m.user for m in members}


def unit_staff(report: Report) -> set[User]:
    return _users(_unit_q(report))


def reviewers(report: Report) -> set[User]:
    """Who approves it (as selectors.is_reviewer): a county's 市(州) 民政局, else the round's
    owner bureau."""
    if not report.bureau and report.region.level == Level.COUNTY:
        return _users(Q(role=Role.PREFECTURE_BUREAU, region_code=report.region_code[:4]))
    return _users(Q(role=Role.PROVINCE_BUREAU, bureau=report.round.owner_bureau,
                    region_code=PROVINCE_CODE))


def round_opened(*, actor, reports: list[Report]) -> int:
    """Each unit's staff hear of their report, with one query for all of them."""
    query = Q(pk__in=[])
    for report in reports:
        query |= _unit_q(report)
    members = list(Membership.objects.filter(query, is_active=True).select_related("user"))
    me, sent = access_for(actor).user_id, 0
    for report in reports:
        users = [m.user for m in members if m.user_id != me and (
            (report.bureau and m.role == Role.PROVINCE_BUREAU and m.bureau == report.bureau)
            or (not report.bureau and m.role != Role.PROVINCE_BUREAU
                and m.region_code == report.region_code))]
        names = {"t": report.round.title, "u": report.unit_name,
                 "d": day(report.round.deadline)}
        sent += notify(users, title=_("新的报送任务:%(t)s") % names,
                       body=_("请于 %(d)s 前报送%(u)s的总结报告。草稿已按本地数据预填,可修改。")
                       % names, link=report_link(report))
    return sent


def _message(report: Report, action: str, comment: str) -> tuple[str, str, set[User]] | None:
    names = {"t": report.round.title, "u": report.unit_name, "c": comment}
    if action == "submit":
        late = _("(逾期报送)") if report.late else ""
        return (_("待审核的总结报告:%(u)s") % names,
                _("%(u)s报送了“%(t)s”的总结报告%(l)s,请审核。") % {**names, "l": late},
                reviewers(report))
    if action == "approve":
        return (_("总结报告已审核通过:%(t)s") % names,
                _("%(u)s的总结报告已审核通过。") % names, unit_staff(report))
    if action == "return":
        return (_("总结报告被退回:%(t)s") % names,
                _("%(u)s的总结报告被退回,理由:%(c)s。请修改后重新报送。") % names,
                unit_staff(report))
    return None


def report_transitioned(*, actor, report: Report, action: str, comment: str = "") -> None:
    """Tell those the report now waits for (never the actor); what it asked of anyone else
    before is done."""
    message = _message(report, action, comment)
    if message is None:
        return
    me = access_for(actor).user_id
    title, body, users = message
    waiting = [u for u in users if u.pk != me]
    link = report_link(report)
    settle(link, waiting=waiting)
    notify(waiting, title=title, body=body, link=link, urgent=action == "return")


# --- the deadline reminders -------------------------------------------------------------

# (kind, days before the deadline at most); the nearest that applies is sent, once.
REMINDERS = (("overdue", -1), ("1d", 1), ("7d", 7))


def due_reminder(report: Report, today: date) -> str | None:
    """The reminder the report is due for today, or None (sent already, or not yet)."""
    days = (report.round.deadline - today).days
    for index, (kind, within) in enumerate(REMINDERS):
        if days <= within:
            nearer = {k for k, _w in REMINDERS[:index + 1]}  # a nearer one replaces it
            return None if nearer & set(report.reminded) else kind
    return None


def _reminder_text(report: Report, kind: str, today: date) -> tuple[str, str]:
    names = {"t": report.round.title, "u": report.unit_name, "d": day(report.round.deadline),
             "n": abs((report.round.deadline - today).days)}
    if kind == "overdue":
        return (_("总结报告已逾期:%(t)s") % names,
                _("%(u)s的总结报告应于 %(d)s 前报送,已逾期 %(n)d 天。逾期仍可报送,将标记为逾期。")
                % names)
    return (_("总结报告将于 %(d)s 截止:%(t)s") % names,
            _("%(u)s的总结报告尚未报送,距截止还有 %(n)d 天。") % names)


def report_reminders_send(today: date | None = None) -> int:
    """The daily job: each report of an open round not yet submitted is reminded 7 days and
    1 day before its deadline and once it is overdue, each once; answers how many reports
    were reminded."""
    today = today or timezone.localdate()
    waiting = (Report.objects.filter(round__status=RoundStatus.OPEN,
                                     status__in=EDITABLE_STATUSES,
                                     round__deadline__lte=today + timedelta(days=7))
               .select_related("round", "region"))
    members: dict[tuple, set[User]] = {}
    sent = 0
    for report in waiting.iterator(chunk_size=500):
        kind = due_reminder(report, today)
        if kind is None:
            continue
        key = (report.bureau, report.region_code)
        if key not in members:
            members[key] = unit_staff(report)
        title, body = _reminder_text(report, kind, today)
        notify(members[key], title=title, body=body, link=report_link(report),
               urgent=kind != "7d")
        Report.objects.filter(pk=report.pk).update(reminded=[*report.reminded, kind])
        sent += 1
    return sent
