"""Pages: reporting rounds — the list, opening one, a round with its completeness, and a
report with its sections, annex, events and the steps the user may take."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.accounts.access import access_for
from linli.accounts.roles import Domain, Perm
from linli.core import confirm
from linli.core.errors import Conflict, Invalid, NotFound
from linli.core.views import add_form_errors, paginate, require_perm
from linli.reports import annex, rounds
from linli.reports.forms_rounds import CommentForm, RoundForm, SectionsForm
from linli.reports.models import ReportStatus, RoundStatus
from linli.reports.selectors import (
    county_reports,
    is_reviewer,
    is_unit_staff,
    may_open_rounds,
    owns_round,
    report_get,
    reports_to_review,
    reports_to_submit,
    round_completeness,
    round_get,
    round_reports,
    rounds_completeness,
    rounds_visible,
    unit_level,
)

WAITING_SHOWN = 50  # the reports waiting for the user, on top of the rounds list
STATUS_COLOURS = {ReportStatus.DRAFT: "secondary", ReportStatus.SUBMITTED: "primary",
                  ReportStatus.APPROVED: "success", ReportStatus.RETURNED: "warning"}


@require_perm(Perm.VIEW)
def round_list(request):
    if not access_for(request.user).sees_domain(Domain.PROGRAMS):
        raise NotFound()  # the system administrator: no reports of any unit
    page = paginate(request, rounds_visible(actor=request.user))
    lines = rounds_completeness(actor=request.user, rounds=list(page.object_list))
    return render(request, "reports/rounds/round_list.html", {
        "page": page, "rows": [(r, lines[r.pk][-1]) for r in page.object_list],
        "may_open": may_open_rounds(request.user),
        "to_review": list(reports_to_review(actor=request.user)[:WAITING_SHOWN]),
        "to_submit": list(reports_to_submit(actor=request.user)[:WAITING_SHOWN]),
        "today": timezone.localdate()})


@require_perm(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def round_new(request):
    if not may_open_rounds(request.user):
        raise NotFound()
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = rounds.round_open(actor=request.user, **form.service_arguments())
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已发起报送任务“%(t)s”,共 %(n)d 个单位报送") % {
                "t": opened.title, "n": opened.reports.count()})
            return redirect("reports:round", pk=opened.pk)
    return render(request, "reports/rounds/round_form.html", {"form": form},
                  status=422 if form.errors else 200)


def completeness_chart(lines) -> dict:
    """DHIS2's reporting-rate summary as bars: each level's 报送率, 及时率, 审核通过率."""
    shown = lines[:-1] if len(lines) > 2 else lines
    labels = [line.label for line in shown]
    series = [(_("报送率"), "submitted_rate"), (_("及时率"), "on_time_rate"),
              (_("审核通过率"), "approved_rate")]
    return {"title": _("报送完成情况"), "chart": {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 45, "right": 20, "bottom": 30, "top": 40},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": [{"name": name, "type": "bar",
                    "data": [getattr(line, key) or 0 for line in shown]}
                   for name, key in series]}}


@require_perm(Perm.VIEW)
def round_detail(request, pk: int):
    found = round_get(actor=request.user, pk=pk)
    lines = round_completeness(actor=request.user, round=found)
    reports = list(round_reports(actor=request.user, round=found))
    return render(request, "reports/rounds/round_detail.html", {
        "round": found, "lines": lines, "charts": [completeness_chart(lines)],
        "reports": [(r, unit_level(r)) for r in reports], "colours": STATUS_COLOURS,
        "is_owner": owns_round(request.user, found),
        "may_close": access_for(request.user).can(Perm.EDIT) and owns_round(request.user, found),
        "questions": _round_questions(found)})


def _round_questions(found) -> dict[str, confirm.Question]:
    names = {"t": found.title}
    return {
        "close": confirm.Question(
            _("结束报送任务“%(t)s”?") % names,
            _("结束后各单位不能再修改或报送报告,催报提醒停止;已报送的报告仍可审核。"
              "需要补报时可重新开放。") % names, _("确认结束")),
        "reopen": confirm.Question(
            _("重新开放报送任务“%(t)s”?") % names,
            _("重新开放后未报送的单位可以继续填写和报送,截止日期后报送的计为逾期。"),
            _("确认重新开放")),
    }


def _round_step(request, pk: int, step: str):
    found = round_get(actor=request.user, pk=pk)
    back = reverse("reports:round", args=[found.pk])
    if confirm.asked(request):
        return confirm.confirmation(request, _round_questions(found)[step], cancel_url=back)
    try:
        if step == "close":
            rounds.round_close(actor=request.user, round=found)
            messages.success(request, _("报送任务已结束"))
        else:
            rounds.round_reopen(actor=request.user, round=found)
            messages.success(request, _("报送任务已重新开放"))
    except Conflict as error:
        messages.error(request, error.message)
    return redirect(back)


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def round_close(request, pk: int):
    return _round_step(request, pk, "close")


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def round_reopen(request, pk: int):
    return _round_step(request, pk, "reopen")


# --- one report ---------------------------------------------------------------------------

def _questions(report) -> dict[str, confirm.Question]:
    names = {"u": report.unit_name, "t": report.round.title}
    return {
        "submit": confirm.Question(
            _("报送%(u)s的总结报告?") % names,
            _("报送后正文和附表数据即冻结,不能再修改;审核单位退回后方可修改。"), _("确认报送")),
        "approve": confirm.Question(
            _("审核通过%(u)s的总结报告?") % names,
            _("审核通过后报告计入上级汇总;如发现问题,仍可退回。"), _("确认审核通过")),
        "return": confirm.Question(
            _("退回%(u)s的总结报告?") % names,
            _("退回后报告回到可修改状态,附表数据恢复为实时数据;退回理由告知报送单位。"),
            _("确认退回")),
    }


def _report_page(request, report, *, form=None, error=None, reason_form=None,
                 status: int = 200):
    staff, reviewer = is_unit_staff(request.user, report), is_reviewer(request.user, report)
    closed = report.round.status == RoundStatus.CLOSED
    editable = report.is_editable and staff and not closed
    rows = annex.rows_for(report)
    below = sorted((r for r in rows if not r.own), key=lambda r: r.region.code)
    return render(request, "reports/rounds/report_detail.html", {
        "report": report, "round": report.round, "level": unit_level(report),
        "editable": editable, "form": form or (SectionsForm(report=report) if editable else None),
        "may_approve": reviewer and report.status == ReportStatus.SUBMITTED,
        "may_return": reviewer and report.status in (ReportStatus.SUBMITTED,
                                                     ReportStatus.APPROVED),
        "comment_form": CommentForm(), "reason_form": reason_form or confirm.ReasonForm(
            label=_("退回理由"), max_length=rounds.REASON_MAX),
        "questions": _questions(report), "own_rows": [r for r in rows if r.own],
        "below_rows": below, "below_count": len({r.region.code for r in below}),
        "frozen": report.frozen.exists(),
        "counties": county_reports(actor=request.user, report=report),
        "events": report.events.select_related("actor"), "colours": STATUS_COLOURS,
        "closed": closed, "error": error}, status=status)


def _refused(request, report, error, form=None):
    """A step refused for the report's state or content: said on the report's page, with
    what the user typed kept."""
    status = 422 if isinstance(error, Invalid) else 409
    return _report_page(request, report, form=form, error=error, status=status)


@require_perm(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def report_detail(request, pk: int):
    """The report; a POST saves its sections."""
    report = report_get(actor=request.user, pk=pk)
    if request.method != "POST":
        return _report_page(request, report)
    form = SectionsForm(request.POST, report=report)
    if not form.is_valid():
        return _report_page(request, report, form=form, status=422)
    try:
        rounds.report_save(actor=request.user, report=report, sections=form.sections())
    except (Invalid, Conflict) as error:
        return _refused(request, report, error, form)
    messages.success(request, _("已保存"))
    return redirect("reports:report", pk=report.pk)


@require_perm(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def report_submit(request, pk: int):
    report = report_get(actor=request.user, pk=pk)
    back = reverse("reports:report", args=[report.pk])
    if confirm.asked(request):
        return confirm.confirmation(request, _questions(report)["submit"], cancel_url=back)
    form = SectionsForm(request.POST, report=report)
    posted = any(name in request.POST for name in form.fields)
    if posted and not form.is_valid():
        return _report_page(request, report, form=form, status=422)
    try:
        rounds.report_submit(actor=request.user, report=report,
                             sections=form.sections() if posted else None)
    except (Invalid, Conflict) as error:
        return _refused(request, report, error, form if posted else None)
    messages.success(request, _("%(u)s的总结报告已报送") % {"u": report.unit_name})
    return redirect(back)


@require_perm(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def report_approve(request, pk: int):
    report = report_get(actor=request.user, pk=pk)
    back = reverse("reports:report", args=[report.pk])
    if confirm.asked(request):
        return confirm.confirmation(request, _questions(report)["approve"], cancel_url=back)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        rounds.report_approve(actor=request.user, report=report, comment=comment)
    except (Invalid, Conflict) as error:
        return _refused(request, report, error)
    messages.success(request, _("%(u)s的总结报告已审核通过") % {"u": report.unit_name})
    return redirect(back)


@require_perm(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def report_return(request, pk: int):
    """退回 asks first (core.confirm), with its reason."""
    report = report_get(actor=request.user, pk=pk)
    back = reverse("reports:report", args=[report.pk])
    form = confirm.ReasonForm(request.POST if request.method == "POST" else None,
                              label=_("退回理由"), max_length=rounds.REASON_MAX)
    if confirm.asked(request) or not form.is_valid():
        return confirm.confirmation(request, _questions(report)["return"], form=form,
                                    cancel_url=back, status=200 if confirm.asked(request) else 422)
    try:
        rounds.report_return(actor=request.user, report=report,
                             reason=form.cleaned_data["reason"])
    except Invalid as error:  # a reason of blanks only: asked again, next to the field
        add_form_errors(form, error)
        return confirm.confirmation(request, _questions(report)["return"], form=form,
                                    cancel_url=back, status=422)
    except Conflict as error:
        return _refused(request, report, error)
    messages.success(request, _("%(u)s的总结报告已退回") % {"u": report.unit_name})
    return redirect(back)


urlpatterns = [
    path("rounds/", round_list, name="rounds"),
    path("rounds/new/", round_new, name="round_new"),
    path("rounds/<int:pk>/", round_detail, name="round"),
    path("rounds/<int:pk>/close/", round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", round_reopen, name="round_reopen"),
    path("report/<int:pk>/", report_detail, name="report"),
    path("report/<int:pk>/submit/", report_submit, name="report_submit"),
    path("report/<int:pk>/approve/", report_approve, name="report_approve"),
    path("report/<int:pk>/return/", report_return, name="report_return"),
]
