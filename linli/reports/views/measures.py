"""Pages: the measures with their figures (drill-down, trends, export), targets, the
measures themselves, and hand-entered figures. Every write goes through
``linli.reports.measures``; every read through ``linli.reports.figures``."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from linli.accounts.access import access_for, hidden_domains
from linli.accounts.roles import Perm
from linli.core import confirm
from linli.core import indicators as registry
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.excel import write_workbook
from linli.core.views import add_form_errors, paginate, require_perm
from linli.regions.selectors import region_breadcrumb, region_or_root
from linli.reports import figures
from linli.reports import measures as services
from linli.reports.forms_measures import (
    CorrectionForm,
    ManualIndicatorForm,
    ManualValueForm,
    MeasureForm,
    PeriodForm,
    RegionForm,
    TargetForm,
    TargetValuesForm,
    indicator_choices,
    period_initial,
)
from linli.reports.models import Measure
from linli.reports.targets import goals_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- what the page is asked for ---------------------------------------------------------

def asked_region_and_period(request) -> dict:
    """The region (a drill-down link's code inside the scope, else 404; or a name picked in
    the region box) and the period, with the query string that keeps the period."""
    period_form = PeriodForm(request.GET or None)
    kind, period = period_form.chosen()
    region_form = RegionForm(request.GET if request.GET.get("region__text") else None,
                             actor=request.user)
    if region_form.is_bound and region_form.is_valid() and region_form.picked.get("region"):
        region = region_form.picked["region"]
    else:
        code = "" if region_form.is_bound else request.GET.get("region", "")
        region = region_or_root(actor=request.user, code=code)
        if not region_form.is_bound:  # the box shows where the page is
            region_form = RegionForm(initial={"region": region}, actor=request.user)
    keep = {"period": kind} if kind != figures.MONTH else {}
    if kind == figures.RANGE:
        keep.update(start=f"{period.start:%Y-%m-%d}", end=f"{period.end:%Y-%m-%d}")
    return {"region": region, "kind": kind, "period": period, "period_form": period_form,
            "region_form": region_form, "keep": urlencode(keep),
            "here": urlencode({"region": region.code, **keep})}


@require_perm(Perm.VIEW)
def measures_page(request):
    """The measures, each with how many figures the user may see; the figures of each come
    when it is scrolled to (``measure_figures``)."""
    asked = asked_region_and_period(request)
    grouped = figures.indicators_by_measure(request.user)
    access = access_for(request.user)
    return render(request, "reports/measures/index.html", {
        **asked, "measures": [(m, len(grouped.get(m.number, [])))
                              for m in figures.measures_active()],
        "breadcrumb": region_breadcrumb(actor=request.user, region=asked["region"]),
        "domains": hidden_domains(access), "can_export": access.can(Perm.EXPORT),
        "can_edit": services.may_edit_measures(request.user)})


def _measure_asked(request):
    try:
        number = int(request.GET.get("measure", ""))
    except ValueError:
        raise NotFound() from None
    return figures.measure_get(number=number)


def _fragment(request, name: str) -> str:
    """The HTMX fragment, or (no JavaScript: the link was followed) a page of its own."""
    return f"reports/measures/{'_' if request.headers.get('HX-Request') else ''}{name}.html"


@require_perm(Perm.VIEW)
def measure_figures(request):
    """One measure's figures for the region: value, target and badge, the period before,
    the ranking of the regions below."""
    asked = asked_region_and_period(request)
    measure = _measure_asked(request)
    (item,) = figures.measure_figures(actor=request.user, region=asked["region"],
                                      period=asked["period"], number=measure.number)
    # not "block": inside {% block %} that name is the template's own
    return render(request, _fragment(request, "figures"), {
        **asked, "measure": measure, "item": item})


@require_perm(Perm.VIEW)
def measure_trends(request):
    """One measure's 12-month trends."""
    asked = asked_region_and_period(request)
    measure = _measure_asked(request)
    indicators = figures.indicators_by_measure(request.user).get(measure.number, [])
    region = asked["region"]
    goals = goals_for([i.key for i in indicators], [region.code]) if indicators else {}
    points = figures.trends(actor=request.user, indicators=indicators, region=region,
                            period=asked["period"])
    charts = [{"title": i.label, "option": json.dumps(figures.trend_chart(
        i, points[i.key], goals.get((i.key, region.code))), ensure_ascii=False)}
        for i in indicators]
    return render(request, _fragment(request, "trends"), {
        **asked, "measure": measure, "charts": charts})


# --- the export -------------------------------------------------------------------------

def _export_rows(blocks, region):
    own, ranked = [], []
    for block in blocks:
        measure = str(block.measure)
        for f in block.figures:
            unit = f.indicator.unit_shown
            own.append([measure, str(f.indicator.label), region.name, f.value.value, unit,
                        f.goal_shown, f.goal.source if f.goal else "",
                        f.previous.value if f.previous else None])
            for place, r in enumerate(f.ranking, 1):
                met = "" if r.goal is None or r.value.value is None else (
                    _("未达标") if r.short else _("达标"))
                ranked.append([measure, str(f.indicator.label), place, r.region.name,
                               r.value.value, unit, figures.goal_text(f.indicator, r.goal), met])
    return own, ranked


@require_perm(Perm.EXPORT)
def measures_export(request):
    asked = asked_region_and_period(request)
    region, period = asked["region"], asked["period"]
    blocks = figures.measure_figures(actor=request.user, region=region, period=period)
    own, ranked = _export_rows(blocks, region)
    content = write_workbook([
        (_("指标"), [_("措施"), _("指标"), _("地区"), _("数值"), _("单位"), _("目标"), _("依据"),
                   _("上期")], own),
        (_("下级排名"), [_("措施"), _("指标"), _("名次"), _("地区"), _("数值"), _("单位"),
                     _("目标"), _("是否达标")], ranked)])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=measures-{region.code}-{period.start:%Y%m%d}-"
        f"{period.end:%Y%m%d}.xlsx")
    return response


# --- the measures themselves ------------------------------------------------------------

def _measure_form_page(request, measure: Measure | None):
    if not services.may_edit_measures(request.user):
        raise NotFound()
    initial = {"order": (Measure.objects.order_by("-order").values_list("order", flat=True)
                         .first() or 0) + 1}
    if measure is not None:
        initial = {name: getattr(measure, name) for name in MeasureForm.base_fields}
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if measure is None:
                data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
                measure = services.measure_add(actor=request.user, **data)
            else:
                services.measure_update(actor=request.user, measure=measure,
                                        **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("措施“%(m)s”已保存") % {"m": measure})
            return redirect("reports:measures")
    return render(request, "reports/measures/measure_form.html", {
        "form": form, "measure": measure,
        "history": figures.history_of(measure, 20) if measure else []})


@require_perm(Perm.EDIT)
def measure_add(request):
    return _measure_form_page(request, None)


@require_perm(Perm.EDIT)
def measure_edit(request, number: int):
    return _measure_form_page(request, figures.measure_get(number=number, active_only=False))


# --- targets ----------------------------------------------------------------------------

def _target_rows(targets, actor):
    labels = {i.key: i for i in registry.available_to(actor)}
    names = figures.region_names(t.region_code for t in targets)
    return [{"target": t, "indicator": labels.get(t.indicator),
             "region": names.get(t.region_code, t.region_code),
             "shown": figures.goal_text(labels[t.indicator], figures.goal_of(t))
             if t.indicator in labels else str(t.value),
             "editable": t.is_active and services.may_set_target(actor, t.region_code)}
            for t in targets]


@require_perm(Perm.VIEW)
def targets(request):
    everything = request.GET.get("all") == "1"
    choices = indicator_choices(request.user)
    chosen = request.GET.get("indicator", "")
    chosen = chosen if chosen in dict(choices) else ""
    rows = figures.targets_visible(actor=request.user, active_only=not everything)
    rows = rows.filter(indicator=chosen) if chosen else rows
    page = paginate(request, rows)
    query = urlencode({k: v for k, v in (("indicator", chosen), ("all", "1" if everything
                                                                     else "")) if v})
    return render(request, "reports/measures/targets.html", {
        "page": page, "rows": _target_rows(list(page.object_list), request.user),
        "everything": everything, "choices": choices, "chosen": chosen, "query": query,
        "can_add": services.may_set_targets(request.user)})


@require_perm(Perm.EDIT)
def target_add(request):
    if not services.may_set_targets(request.user):
        raise NotFound()
    form = TargetForm(request.POST or None, actor=request.user,
                      initial={"indicator": request.GET.get("indicator", "")[:40]})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(actor=request.user, **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("目标已保存"))
            return redirect("reports:targets")
    return render(request, "reports/measures/target_form.html", {"form": form})


def _deactivate_question(row) -> confirm.Question:
    return confirm.Question(
        _("停用“%(r)s”的目标“%(t)s”?") % {"r": row["region"], "t": row["shown"]},
        _("停用后该目标不再用于达标判断;记录和修改历史保留,需要时可新增一条目标。"),
        _("停用目标"))


@require_perm(Perm.VIEW)
def target_edit(request, pk: int):
    target = figures.target_get(actor=request.user, pk=pk)
    row = _target_rows([target], request.user)[0]
    form = TargetValuesForm(request.POST or None, initial={
        name: getattr(target, name) for name in TargetValuesForm.base_fields})
    if request.method == "POST" and not row["editable"]:
        raise NotFound()
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(actor=request.user, target=target, **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("目标已保存"))
            return redirect("reports:targets")
    return render(request, "reports/measures/target_edit.html", {
        "form": form, "row": row, "target": target, "question": _deactivate_question(row),
        "deactivate_url": reverse("reports:target_deactivate", args=[pk]),
        "history": figures.history_of(target)})


@require_perm(Perm.EDIT)
def target_deactivate(request, pk: int):
    target = figures.target_get(actor=request.user, pk=pk)
    if not services.may_set_target(request.user, target.region_code):
        raise NotFound()
    row = _target_rows([target], request.user)[0]
    if confirm.asked(request):
        return confirm.confirmation(request, _deactivate_question(row),
                                    cancel_url=reverse("reports:target_edit", args=[pk]))
    services.target_deactivate(actor=request.user, target=target)
    messages.success(request, _("目标已停用"))
    return redirect("reports:targets")


# --- hand-entered figures ---------------------------------------------------------------

@require_perm(Perm.VIEW)
def manual(request):
    definitions = list(figures.manual_indicators(actor=request.user))
    values = figures.manual_values(actor=request.user).order_by("-entered_at", "-pk")
    return render(request, "reports/measures/manual.html", {
        "definitions": [(d, services.may_enter(request.user, d)) for d in definitions],
        "values": list(values[:50]), "can_define": services.may_edit_measures(request.user)})


def _definition_page(request, definition):
    if not services.may_edit_measures(request.user):
        raise NotFound()
    initial = {"entry_level": 3, "is_active": True}
    if definition is not None:
        initial = {name: getattr(definition, name) for name in ManualIndicatorForm.base_fields
                   if name != "measure"} | {"measure": definition.measure.number}
    form = ManualIndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.manual_indicator_save(actor=request.user,
                                                        definition=definition,
                                                        **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("填报指标“%(l)s”已保存") % {"l": definition.label})
            return redirect("reports:manual")
    return render(request, "reports/measures/manual_indicator_form.html", {
        "form": form, "definition": definition,
        "history": figures.history_of(definition, 20) if definition else []})


@require_perm(Perm.EDIT)
def manual_indicator_add(request):
    return _definition_page(request, None)


@require_perm(Perm.EDIT)
def manual_indicator_edit(request, pk: int):
    return _definition_page(request, figures.manual_indicator_get(actor=request.user, pk=pk))


@require_perm(Perm.VIEW)
def manual_enter(request, pk: int):
    """One hand-entered figure: its values inside the scope, and the form to enter one."""
    definition = figures.manual_indicator_get(actor=request.user, pk=pk)
    may = services.may_enter(request.user, definition)
    form = ManualValueForm(request.POST or None, actor=request.user, definition=definition)
    if request.method == "POST":
        if not may:
            raise NotFound()
        if form.is_valid():
            saved = _enter(request, form, definition)
            if saved is not None:
                return redirect("reports:manual_enter", pk=definition.pk)
    values = figures.manual_values(actor=request.user, indicator=definition)
    return render(request, "reports/measures/manual_enter.html", {
        "definition": definition, "form": form if may else None,
        "page": paginate(request, values.order_by("-period_end", "region_code"))})


def _enter(request, form, definition):
    data = form.cleaned_data
    try:
        row, created = services.manual_value_enter(
            actor=request.user, indicator=definition, region_code=data["region_code"],
            period_start=data.get("period_start"), period_end=data.get("period_end"),
            value=data["value"], note=data["note"])
    except Invalid as error:
        details = error.details if isinstance(error.details, dict) else {}
        if "period" in details:
            error = Invalid(error.message, details={**details, "unit": details["period"]})
        add_form_errors(form, error)
        return None
    except Forbidden as error:
        form.add_error("region_code", error.message)
        return None
    messages.success(request, (_("已填报:%(r)s %(a)s—%(b)s") if created else
                               _("已更正:%(r)s %(a)s—%(b)s")) % {
        "r": row.region.name, "a": f"{row.period_start:%Y-%m-%d}",
        "b": f"{row.period_end:%Y-%m-%d}"})
    return row


@require_perm(Perm.VIEW)
def manual_value(request, pk: int):
    """One value with who entered and corrected it, and when; the correction form."""
    row = figures.manual_value_get(actor=request.user, pk=pk)
    may = services.may_enter(request.user, row.indicator, row.region_code)
    form = CorrectionForm(request.POST or None, initial={"value": row.value, "note": row.note})
    if request.method == "POST":
        if not may:
            raise NotFound()
        if form.is_valid():
            try:
                services.manual_value_enter(
                    actor=request.user, indicator=row.indicator, region_code=row.region_code,
                    period_start=row.period_start, period_end=row.period_end,
                    **form.cleaned_data)
            except Invalid as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("数值已更正"))
                return redirect("reports:manual_value", pk=row.pk)
    return render(request, "reports/measures/manual_value.html", {
        "row": row, "form": form if may else None, "history": figures.history_of(row),
        "period_kind": figures.calendar_kind(registry.Period(row.period_start,
                                                             row.period_end)),
        "initial": period_initial(row.period_start, row.period_end)})


urlpatterns = [
    path("measures/", measures_page, name="measures"),
    path("measures/export/", measures_export, name="measures_export"),
    path("measures/figures/", measure_figures, name="measure_figures"),
    path("measures/trends/", measure_trends, name="measure_trends"),
    path("measures/new/", measure_add, name="measure_add"),
    path("measures/<int:number>/", measure_edit, name="measure_edit"),
    path("targets/", targets, name="targets"),
    path("targets/new/", target_add, name="target_add"),
    path("targets/<int:pk>/", target_edit, name="target_edit"),
    path("targets/<int:pk>/deactivate/", target_deactivate, name="target_deactivate"),
    path("manual/", manual, name="manual"),
    path("manual/new/", manual_indicator_add, name="manual_indicator_add"),
    path("manual/<int:pk>/", manual_indicator_edit, name="manual_indicator_edit"),
    path("manual/<int:pk>/values/", manual_enter, name="manual_enter"),
    path("manual/values/<int:pk>/", manual_value, name="manual_value"),
]
