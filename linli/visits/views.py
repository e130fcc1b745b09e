from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.excel import write_xlsx
from linli.core.tabs import first_with_work
from linli.core.views import add_form_errors, paginate, require_perm
from linli.people.services import list_read_log
from linli.regions.selectors import region_or_root
from linli.visits import selectors, services
from linli.visits.forms import PolicyForm, TighteningForm
from linli.visits.models import CHECKLIST, Mode, Outcome, Tightening, VisitPolicy

TABS = {"overdue": _("逾期未访"), "week": _("本周应访"), "never": _("从未探访"), "all": _("全部")}


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
    return render(request, "visits/worklist.html", {
        "tab": kind, "tabs": [(k, label, counts[k]) for k, label in TABS.items()],
        "page": page, "today": timezone.localdate(),
        "region": region})


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
    return render(request, "visits/rate.html", {
        "region": region, "rows": selectors.visit_rate(actor=request.user, region=region)})


@never_cache
@require_perm(Perm.EDIT)
def record(request):
    """The phone page: my due list and the visit form; works offline (see record.js)."""
    rows = selectors.worklist(actor=request.user, kind="all")[:200]
    return render(request, "visits/record.html", {
        "rows": rows, "modes": Mode.choices, "outcomes": Outcome.choices,
        "checklist": CHECKLIST, "today": timezone.localdate()})


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
