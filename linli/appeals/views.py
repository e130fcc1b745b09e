"""Pages: the work lists, intake, and one appeal with its timeline and the steps the
user may take (each step's own form)."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.access import access_for, hidden_domains
from linli.accounts.roles import Perm
from linli.appeals import documents, selectors, services, views_households
from linli.appeals.forms import (
    FinishForm,
    FollowUpForm,
    IntakeForm,
    NoteForm,
    PosterForm,
    ReferForm,
    StepForm,
)
from linli.appeals.models import AppealAction, AppealStatus, Channel, Urgency
from linli.appeals.statistics import statistics
from linli.core import uploads
from linli.core.errors import Conflict, IllegalTransition, Invalid
from linli.core.views import add_form_errors, paginate, require_perm
from linli.regions.models import Level, Region
from linli.regions.selectors import region_breadcrumb, region_roots

TAB_LABELS = {
    selectors.Tab.PENDING: gettext_lazy("待受理"), selectors.Tab.TO_TAKE: gettext_lazy("待接收"),
    selectors.Tab.IN_HAND: gettext_lazy("办理中"), selectors.Tab.OVERDUE: gettext_lazy("逾期"),
    selectors.Tab.FOLLOW_UP: gettext_lazy("待回访"), selectors.Tab.ALL: gettext_lazy("全部"),
}


@require_perm(Perm.VIEW)
def appeal_list(request):
    tab = request.GET.get("tab", selectors.Tab.PENDING)
    if tab not in selectors.TABS:
        tab = selectors.Tab.PENDING
    counts = selectors.tab_counts(actor=request.user)
    tabs = [(key, label, counts.get(key)) for key, label in TAB_LABELS.items()]
    return render(request, "appeals/list.html", {
        "tab": tab, "tabs": tabs, "query": f"tab={tab}",
        "page": paginate(request, selectors.work_list(actor=request.user, tab=tab)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def appeal_new(request):
    initial = {}
    if request.GET.get("person"):
        initial["person_id"] = request.GET["person"]
    visit = selectors.visit_for_intake(actor=request.user, pk=request.GET.get("visit", ""))
    if visit is not None:  # one tap from a visit's 发现需求
        initial.update(person_id=visit.person_id, channel=Channel.VISIT, visit_id=visit.pk,
                       description=visit.needs,
                       urgency=Urgency.URGENT if visit.outcome == "urgent" else Urgency.NORMAL)
    form = IntakeForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_create(actor=request.user, **form.service_arguments())
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已登记诉求,查询码 %(c)s") % {"c": appeal.code})
            return redirect("appeals:detail", pk=appeal.pk)
    return render(request, "appeals/new.html", {"form": form, "visit": visit},
                  status=422 if form.errors else 200)


@require_perm(Perm.VIEW)
def appeal_statistics(request):
    """A region's appeals for a period (this month by default), its next level's, the
    steps' times and the referrals; a child region's name drills down."""
    from linli.reports.views.measures import asked_region_and_period

    asked = asked_region_and_period(request)
    figures = statistics(actor=request.user, region=asked["region"], period=asked["period"])
    return render(request, "appeals/statistics.html", {
        **asked, "stats": figures,
        "breadcrumb": region_breadcrumb(actor=request.user, region=asked["region"]),
        "domains": hidden_domains(access_for(request.user))})


@require_perm(Perm.VIEW)
def appeal_poster(request):
    """The QR code of a village's public page, to print for its notice board: the user's
    own village at first, any village of the scope picked by name."""
    form = PosterForm(request.GET if request.GET.get("village__text") else None,
                      actor=request.user)
    village = None
    if form.is_bound and form.is_valid():
        village = form.picked.get("village")
    elif not form.is_bound:
        roots = region_roots(actor=request.user)
        if len(roots) == 1 and roots[0].level == Level.VILLAGE:
            village = roots[0]
            form = PosterForm(initial={"village": village}, actor=request.user)
    context = {"form": form, "village": village}
    if village is not None:
        url = request.build_absolute_uri(reverse("public_appeals:form", args=[village.code]))
        image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
        context.update(url=url, qr=image.to_string(encoding="unicode"),
                       place=selectors.place_name(village))
    return render(request, "appeals/poster.html", context)


@require_perm(Perm.EDIT)
@require_POST
def appeal_documents(request, pk: int):
    appeal = selectors.appeal_get(actor=request.user, pk=pk)
    try:
        added = documents.documents_add(actor=request.user, appeal=appeal,
                                        files=request.FILES.getlist("files"))
    except (Invalid, IllegalTransition) as error:
        return _detail(request, appeal, status=422, documents_error=error.message)
    messages.success(request, _("已上传 %(n)d 份材料") % {"n": len(added)})
    return redirect(reverse("appeals:detail", args=[appeal.pk]) + "#documents")


@require_perm(Perm.VIEW)
def appeal_document(request, pk: int):
    return uploads.download(documents.document_get(actor=request.user, pk=pk))


def _offices(appeal) -> list[tuple[str, str]]:
    """The civil-affairs offices above the appeal's place, nearest first."""
    codes = [appeal.region_code[:n] for n in (9, 6, 4, 2) if n < len(appeal.region_code)]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes, level__lte=Level.TOWNSHIP)}
    return [(c, _("%(r)s民政部门") % {"r": regions[c].name}) for c in codes if c in regions]


def _steps(request, appeal, referral) -> list[str]:
    """The actions the user may take now, in TRANSITIONS order."""
    holder = selectors.is_registering_side(request.user, appeal)
    unit = referral is not None and selectors.is_referral_unit(request.user, referral)
    allowed = []
    for action, (sources, _target, who) in services.TRANSITIONS.items():
        if appeal.status not in sources:
            continue
        handled_by_unit = who == services.UNIT or (
            who == services.HANDLER and referral is not None and referral.status == "taken")
        if (handled_by_unit and unit) or (not handled_by_unit and holder):
            allowed.append(action)
    return allowed


def _detail(request, appeal, forms=None, status=200, documents_error=""):
    referral = selectors.open_referral(appeal)
    forms = forms or {}
    forces = selectors.forces_for(actor=request.user, appeal=appeal)
    return render(request, "appeals/detail.html", {
        "appeal": appeal, "referral": referral, "steps": _steps(request, appeal, referral),
        "labels": dict(AppealAction.choices),
        "refer_form": forms.get("refer") or ReferForm(offices=_offices(appeal), forces=forces),
        "finish_form": forms.get("finish") or FinishForm(),
        "follow_form": forms.get("follow_up") or FollowUpForm(),
        "step_form": forms.get("step") or StepForm(), "note_form": forms.get("note") or NoteForm(),
        "referrals": appeal.referrals.select_related("assistance", "to_region", "to_force"),
        "events": appeal.events.select_related("actor"),
        "reason_needed": (AppealAction.REJECT, AppealAction.SEND_BACK, AppealAction.REOPEN),
        "can_note": access_for(request.user).can(Perm.EDIT),
        "documents": appeal.documents.select_related("uploaded_by"),
        "may_add_documents": documents.may_add(request.user, appeal),
        "documents_error": documents_error,
        "open_status": appeal.status not in (AppealStatus.CLOSED, AppealStatus.REJECTED)},
        status=status)


@require_perm(Perm.VIEW)
def appeal_detail(request, pk: int):
    return _detail(request, selectors.appeal_get(actor=request.user, pk=pk))


FORMS = {AppealAction.REFER: ("refer", ReferForm), AppealAction.FINISH: ("finish", FinishForm),
         AppealAction.FOLLOW_UP: ("follow_up", FollowUpForm)}


@require_perm(Perm.EDIT)
@require_POST
def appeal_step(request, pk: int, action: str):
    appeal = selectors.appeal_get(actor=request.user, pk=pk)
    name, form_class = FORMS.get(action, ("step", StepForm))
    extra = {}
    if form_class is ReferForm:
        extra = {"offices": _offices(appeal),
                 "forces": selectors.forces_for(actor=request.user, appeal=appeal)}
    form = form_class(request.POST, **extra)
    if form.is_valid():
        data = (form.service_arguments() if hasattr(form, "service_arguments")
                else dict(form.cleaned_data))
        try:
            services.appeal_transition(actor=request.user, appeal=appeal, action=action,
                                       **data)
        except Invalid as error:
            add_form_errors(form, error)
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("appeals:detail", pk=appeal.pk)
        else:
            messages.success(request, _("已%(a)s") % {"a": AppealAction(action).label})
            return redirect("appeals:detail", pk=appeal.pk)
    return _detail(request, appeal, {name: form}, status=422)


@require_perm(Perm.EDIT)
@require_POST
def appeal_note(request, pk: int):
    appeal = selectors.appeal_get(actor=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.appeal_note(actor=request.user, appeal=appeal, text=form.cleaned_data["text"])
        messages.success(request, _("已记录"))
        return redirect("appeals:detail", pk=appeal.pk)
    return _detail(request, appeal, {"note": form}, status=422)


app_name = "appeals"
urlpatterns = [
    path("", appeal_list, name="list"),
    path("new/", appeal_new, name="new"),
    path("statistics/", appeal_statistics, name="statistics"),
    path("poster/", appeal_poster, name="poster"),
    path("household/<int:pk>/", views_households.household, name="household"),
    path("household/<int:pk>/survey/", views_households.survey_new, name="survey_new"),
    path("household/<int:pk>/notes/", views_households.case_note, name="case_note"),
    path("surveys/<int:pk>/refer/", views_households.survey_refer, name="survey_refer"),
    path("<int:pk>/", appeal_detail, name="detail"),
    path("<int:pk>/notes/", appeal_note, name="note"),
    path("<int:pk>/documents/", appeal_documents, name="documents"),
    path("documents/<int:pk>/", appeal_document, name="document"),
    path("<int:pk>/<slug:action>/", appeal_step, name="step"),
]

