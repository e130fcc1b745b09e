from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from linli.accounts.access import access_for, hidden_domains
from linli.accounts.roles import Perm
from linli.core.bounds import ascii_id
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.excel import write_xlsx
from linli.core.figures import goals_at
from linli.core.tabs import first_with_work
from linli.core.views import add_form_errors, paginate, require_perm
from linli.people.services import list_read_log
from linli.regions.selectors import region_breadcrumb, region_or_root
from linli.visits import photos, selectors, services
from linli.visits.forms import PolicyForm, TighteningForm
from linli.visits.models import CHECKLIST, Mode, Outcome, Tightening, VisitPolicy

TABS = {"overdue": gettext_lazy("逾期未访"), "week": gettext_lazy("本周应访"),
        "never": gettext_lazy("从未探访"), "all": gettext_lazy("全部")}


@require_perm(Perm.VIEW)
def worklist(request):
    region = request.GET.get("region", "")
    counts = selectors.worklist_counts(actor=request.user, region=region)
    kind = first_with_work(TABS, counts, request.GET.get("tab"))
    rows = selectors.worklist(actor=request.user, kind=kind, region=region)
    if request.GET.get("export") == "xlsx":
        return _export(request, rows, kind)
    page = paginate(request, rows, count=counts[kind])
    list_read_log(actor=request.user, rows=page.object_list, request=request)
    return _for_user(render(request, "visits/worklist.html", {
        "tab": kind, "tabs": [(k, label, counts[k]) for k, label in TABS.items()],
        "page": page, "today": timezone.localdate(),
        "region": region}), request.user)


def _export(request, rows, kind):
    if not access_for(request.user).can(Perm.EXPORT):
        raise NotFound()
    today = timezone.localdate()
    content = write_xlsx(
        [_("姓名"), _("村(社区)"), _("下次应访"), _("逾期天数"), _("最近探访"), _("责任组织")],
        ([s.person.name, s.person.region.path, s.next_due, max((today - s.next_due).days, 0),
          s.last_visit_on, s.person.organisation.name if s.person.organisation_id else ""]
         for s in rows.iterator(chunk_size=2000)), title=str(TABS[kind]))
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f"attachment; filename=visits-{kind}-{today}.xlsx"
    return response


@require_perm(Perm.VIEW)
def rate(request):
    region = region_or_root(actor=request.user, code=request.GET.get("region", ""))
    today = timezone.localdate()
    months = selectors.month_starts(today, 12)
    month = _month_asked(request.GET.get("month", ""), months)
    rows = selectors.visit_rate(actor=request.user, region=region, month=month)
    trend = selectors.visit_rate_trend(actor=request.user, region=region, today=today)
    if request.GET.get("export") == "xlsx":
        return _rate_export(request, region, month, rows, trend)
    goals = goals_at("visit_rate", [r.region.code for r in rows])
    goal = goals.get(region.code)
    return render(request, "visits/rate.html", {
        "region": region, "rows": [(r, _short(r, goals.get(r.region.code))) for r in rows],
        "month": month, "months": months[::-1], "goal": goal,
        "breadcrumb": region_breadcrumb(actor=request.user, region=region),
        "domains": hidden_domains(access_for(request.user)),
        "charts": _rate_charts(rows, trend, goal)})


def _month_asked(text: str, months: list) -> object:
    """?month=2026-05 among the last twelve months; anything else is this month."""
    return next((m for m in months if m.strftime("%Y-%m") == text), months[-1])


def _percent(rate: selectors.Rate) -> float | None:
    return round(rate.rate * 100, 1) if rate.due else None


def _short(rate: selectors.Rate, goal) -> bool:
    """The region's rate falls short of the target that applies to it."""
    return goal is not None and bool(rate.due) and goal.short(_percent(rate))


def _rate_charts(rows, trend, goal) -> list[dict]:
    """This month by sub-region (bars) and the region's last twelve months (a line), with
    the region's target as a labelled line when one is set; ECharts options for
    linli/charts.js."""
    target = {"silent": True, "symbol": "none", "lineStyle": {"color": "#dc3545"},
              "label": {"formatter": _("目标 %(sign)s %(value)s%%") % {
                  "sign": goal.sign, "value": f"{goal.value:g}"}},
              "data": [{"yAxis": goal.value}]} if goal is not None else None
    axis = {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}
    charts = []
    if rows[1:]:
        charts.append({"title": _("各地探访率"), "chart": {
            "tooltip": {"trigger": "axis"}, "grid": {"left": 45, "right": 60, "bottom": 80},
            "xAxis": {"type": "category", "data": [r.region.name for r in rows[1:]],
                      "axisLabel": {"rotate": 35}},
            "yAxis": axis, "series": [{"name": _("探访率"), "type": "bar", "data": [
                _percent(r) for r in rows[1:]], **({"markLine": target} if target else {})}]}})
    charts.append({"title": _("近 12 个月探访率"), "chart": {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 45, "right": 60, "bottom": 40},
        "xAxis": {"type": "category", "data": [m.strftime("%Y-%m") for m, _r in trend]},
        "yAxis": axis, "series": [{"name": _("探访率"), "type": "line", "data": [
            _percent(r) for _m, r in trend], **({"markLine": target} if target else {})}]}})
    return charts


def _rate_export(request, region, month, rows, trend):
    if not access_for(request.user).can(Perm.EXPORT):
        raise NotFound()

    def share(r):
        return f"{r.rate:.1%}" if r.due else "—"

    lines = [[r.region.name, r.due, r.visited, share(r)] for r in rows]
    lines += [[], [_("月份"), _("应访"), _("已访"), _("探访率")]]
    lines += [[m.strftime("%Y-%m"), r.due, r.visited, share(r)] for m, r in trend]
    title = _("%(r)s %(m)s 月探访率") % {"r": region.name, "m": month.strftime("%Y-%m")}
    content = write_xlsx([_("区划"), _("应访"), _("已访"), _("探访率")], lines, title=title)
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = (
        f"attachment; filename=visit-rate-{region.code}-{month.strftime('%Y-%m')}.xlsx")
    return response


# Who a page under the service worker's scope was made for: the worker keeps the cached
# pages of one user and drops them when another user's page (or the login page) arrives.
USER_HEADER = "X-Linli-User"


def _for_user(response, user):
    response[USER_HEADER] = str(user.pk)
    return response


def _chosen(text: str) -> int | None:
    """?person=<pk> from a person page or a work-list row; anything else chooses nobody."""
    try:
        return ascii_id(text, field="person", label="") if text else None
    except Invalid:
        return None


@never_cache
@require_perm(Perm.EDIT)
def record(request):
    """The phone page: my people (with what the visitor needs at the door) and the visit
    form; works offline (see record.js and sw.js)."""
    chosen = _chosen(request.GET.get("person", ""))
    people = selectors.record_people(actor=request.user, chosen=chosen)
    list_read_log(actor=request.user, rows=people, request=request)
    today = timezone.localdate()
    response = render(request, "visits/record.html", {
        "people": people, "cards": [selectors.record_card(p, today=today) for p in people],
        "chosen": chosen, "modes": Mode.choices, "outcomes": Outcome.choices,
        "checklist": CHECKLIST, "photo_max": settings.LINLI_VISIT_PHOTO_MAX_BYTES,
        "today": today})
    # the one page that may ask for the position (once, after the visitor ticks 记录位置)
    response["Permissions-Policy"] = ", ".join(
        f"{feature}={'(self)' if feature == 'geolocation' else allow}"
        for feature, allow in settings.PERMISSIONS_POLICY.items())
    return _for_user(response, request.user)


@require_perm(Perm.VIEW)
def photo(request, pk):
    """A visit's photo, to those who may see the person (404 for anyone else, and for a
    visit without one); never kept by a shared cache."""
    visit = selectors.visit_with_photo(actor=request.user, pk=pk)
    try:
        handle = open(photos.path_of(visit.photo), "rb")  # noqa: SIM115 (FileResponse closes it)
    except (OSError, ValueError):
        raise NotFound() from None
    response = FileResponse(handle, content_type=photos.content_type(visit.photo))
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}.{visit.photo[-3:]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def offline(request):
    """What the service worker shows for a page under /visits/ it cannot fetch: no
    personal data, so it is cached for everyone."""
    return render(request, "visits/offline.html")


def service_worker(request):
    response = render(request, "visits/sw.js", content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/visits/"
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    return render(request, "visits/manifest.json", content_type="application/manifest+json")


@require_perm(Perm.VIEW)
def policies(request):
    form = TighteningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tightening_start(actor=request.user, **form.cleaned_data)
        except (Invalid, Forbidden) as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已启用加密探访,探访计划正在重新计算"))
            return redirect("visits:policies")
    return render(request, "visits/policies.html", {
        "policies": VisitPolicy.objects.prefetch_related("groups"),
        "periods": Tightening.objects.all()[:10], "form": form,
        "can_set": services.may_set_policies(request.user),
        "can_tighten": services.may_tighten(request.user)})


@require_perm(Perm.REVIEW)
def policy_edit(request, pk: int | None = None):
    if not services.may_set_policies(request.user):
        raise NotFound()
    policy = get_object_or_404(VisitPolicy, pk=pk) if pk else None
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=request.user, policy=policy, **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("探访规则已保存,探访计划正在后台重新计算"))
            return redirect("visits:policies")
    return render(request, "visits/policy_edit.html", {"form": form, "policy": policy})
