
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.core import confirm, uploads
from linli.core import indicators as registry
from linli.core.bounds import is_ascii_number
from linli.core.errors import Conflict, Invalid, NotFound
from linli.core.figures import Shown, with_goals
from linli.core.indicators import Period
from linli.core.tabs import first_with_work
from linli.core.views import add_form_errors, paginate, require_perm
from linli.orgs import attachments, documents, exporters, selectors, services, support_services
from linli.orgs.forms import (
    AttachmentForm,
    DecisionForm,
    FilingForm,
    FilterForm,
    IncubationBaseForm,
    IncubationForm,
    OrganisationForm,
    StationForm,
    TaxQualificationForm,
    VolunteerForm,
    VolunteerJoinForm,
)
from linli.orgs.models import OPEN_FILING_STATUSES, FilingKind, FilingStatus, Kind, Status
from linli.regions.selectors import region_get, region_or_root

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def _download(content: bytes, filename: str, mime: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _filters(request) -> tuple[FilterForm, selectors.OrgFilter]:
    form = FilterForm(request.GET or None, actor=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.OrgFilter(**{k: v for k, v in data.items() if v})


@require_perm(Perm.VIEW)
def organisation_list(request):
    form, filters = _filters(request)
    orgs = selectors.organisation_list(actor=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        if not access_for(request.user).can(Perm.EXPORT):
            raise NotFound()
        stamp = timezone.localdate().isoformat()
        return _download(exporters.organisations_xlsx(orgs), f"organisations-{stamp}.xlsx", XLSX)
    return render(request, "orgs/organisation_list.html", {
        "form": form, "page": paginate(request, orgs),
        "can_edit": selectors.can_edit_orgs(request.user)})


@require_perm(Perm.VIEW)
def organisation_options(request):
    q = next((v.strip() for v in request.GET.values() if v.strip()), "")
    orgs = selectors.organisation_list(actor=request.user,
                                       filters=selectors.OrgFilter(q=q))[:20] if q else []
    return render(request, "orgs/options.html", {"orgs": orgs})


def _org_form_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@require_perm(Perm.EDIT)
def organisation_create(request):
    form = OrganisationForm(request.POST or None, initial={"kind": Kind.COMMUNITY},
                            actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **_org_form_data(form))
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已登记“%(n)s”") % {"n": org.name})
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/organisation_form.html", {"form": form})


@require_perm(Perm.VIEW)
def organisation_detail(request, pk: int):
    org = selectors.organisation_get(actor=request.user, pk=pk)
    return render(request, "orgs/organisation_detail.html", {
        "org": org,
        "filings": org.filings.select_related("submitted_by").order_by("-submitted_at"),
        "open_filing": org.filings.filter(status__in=[FilingStatus.SUBMITTED,
                                                      FilingStatus.RETURNED]).first(),
        "taxes": org.tax_qualifications.all(),
        "incubations": org.incubations.select_related("base"),
        "volunteers": org.volunteer_memberships.filter(left_on__isnull=True)
        .select_related("volunteer")[:50],
        "history": org.history.select_related("history_user")[:20],
        "can_edit": selectors.can_edit_orgs(request.user),
        "can_review": access_for(request.user).can(Perm.REVIEW)
        and access_for(request.user).covers(org.authority_region_code),
        "tax_form": TaxQualificationForm(),
        "change_form": FilingForm(initial={"kind": FilingKind.CHANGE}, actor=request.user),
        "deregister_question": _deregister_question(org),
        "suspend_question": _suspend_question(org),
        "Kind": Kind, "Status": Status,
    })


def _deregister_question(org) -> confirm.Question:
    return confirm.Question(
        _("提交“%(n)s”的注销备案?") % {"n": org.name},
        _("备案机关准予后,该组织即为“已注销”,不再出现在在册名录中;备案和变更记录保留。"
          "审核前可以撤回申请。"), _("提交注销备案"))


def _suspend_question(org) -> confirm.Question:
    return confirm.Question(
        _("暂停“%(n)s”的活动?") % {"n": org.name},
        _("暂停期间该组织不能开展活动,原因记入变更历史;可随时恢复活动。"), _("暂停活动"))


@require_perm(Perm.EDIT)
def organisation_edit(request, pk: int):
    org = selectors.organisation_get(actor=request.user, pk=pk)
    initial = {f: getattr(org, f) for f in services.EDITABLE_FIELDS}
    initial.update(region_code=org.region_code, authority_region_code=org.authority_region_code,
                   target_groups=[g.code for g in org.target_groups.all()], version=org.version)
    form = OrganisationForm(request.POST or None, initial=initial, actor=request.user)
    form.fields["authority_region_code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = _org_form_data(form)
        data.pop("authority_region_code")
        try:
            services.organisation_update(actor=request.user, organisation=org,
                                         version=form.cleaned_data["version"] or 0, **data)
        except (Invalid, Conflict) as error:  # a stale save keeps the clerk's typing
            add_form_errors(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/organisation_form.html", {"form": form, "org": org})


@require_perm(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def organisation_status(request, pk: int):
    """暂停活动 asks first (core.confirm), with its reason; 恢复活动 does not."""
    org = selectors.organisation_get(actor=request.user, pk=pk)
    status = request.POST.get("status", "") if request.method == "POST" else Status.SUSPENDED
    form = confirm.ReasonForm(request.POST if request.method == "POST" else None,
                              max_length=services.REASON_MAX)
    if status == Status.SUSPENDED and (confirm.asked(request) or not form.is_valid()):
        return _suspend_page(request, org, form, status=200 if confirm.asked(request) else 422)
    try:
        org = services.organisation_set_status(actor=request.user, organisation=org,
                                               status=status,
                                               reason=request.POST.get("reason", ""))
    except Invalid as error:  # a reason of blanks only: asked again, next to the field
        if status != Status.SUSPENDED:
            raise
        add_form_errors(form, error)
        return _suspend_page(request, org, form, status=422)
    messages.success(request, _("“%(n)s”已%(s)s") % {
        "n": org.name, "s": _("暂停活动") if status == Status.SUSPENDED else _("恢复活动")})
    return redirect("orgs:detail", pk=org.pk)


def _suspend_page(request, org, form, *, status: int):
    return confirm.confirmation(request, _suspend_question(org), form=form, status=status,
                                hidden={"status": Status.SUSPENDED},
                                cancel_url=reverse("orgs:detail", args=[org.pk]))


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def filing_create(request, pk: int):
    """注销备案 asks first (core.confirm), with its reason; the other kinds do not."""
    org = selectors.organisation_get(actor=request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    if data.get("kind") == FilingKind.DEREGISTER:
        return _deregister(request, org)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = FilingForm(request.POST, actor=request.user)
    if not form.is_valid():
        problems = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        reasons = [f"{form.fields[n].label if n in form.fields else ''}:{p[0]}"
                   for n, p in problems.items()]
        raise Invalid(_("提交的数据有误:%(r)s") % {"r": ";".join(reasons)}, details=problems)
    data = form.cleaned_data
    changes = {k: data[k] for k in FilingForm.CHANGE_FIELDS if data.get(k) not in (None, "")}
    filing = services.filing_submit(actor=request.user, organisation=org, kind=data["kind"],
                                    changes=changes, reason=data["reason"])
    messages.success(request, _("“%(o)s”的%(k)s申请已提交,等待%(r)s审核") % {
        "o": org.name, "k": filing.get_kind_display(), "r": filing.filing_region.name})
    return redirect("orgs:filing_detail", pk=filing.pk)


def _deregister(request, org):
    form = confirm.ReasonForm(request.POST if request.method == "POST" else None,
                              label=_("注销原因"))
    if confirm.asked(request) or not form.is_valid():
        return _deregister_page(request, org, form, status=200 if confirm.asked(request) else 422)
    try:
        filing = services.filing_submit(actor=request.user, organisation=org,
                                        kind=FilingKind.DEREGISTER,
                                        reason=form.cleaned_data["reason"])
    except Invalid as error:  # a reason of blanks only
        add_form_errors(form, error)
        return _deregister_page(request, org, form, status=422)
    messages.success(request, _("“%(o)s”的注销备案已提交,等待%(r)s审核") % {
        "o": org.name, "r": filing.filing_region.name})
    return redirect("orgs:filing_detail", pk=filing.pk)


def _deregister_page(request, org, form, *, status: int):
    return confirm.confirmation(request, _deregister_question(org), form=form, status=status,
                                hidden={"kind": FilingKind.DEREGISTER},
                                cancel_url=reverse("orgs:detail", args=[org.pk]))


def _certificate(request, pk: int, render, extension: str, content_type: str):
    org = selectors.organisation_get(actor=request.user, pk=pk)
    if not org.filing_number:
        raise NotFound()
    return _download(render(org), f"filing-certificate-{org.filing_number}.{extension}",
                     content_type)


@require_perm(Perm.VIEW)
def certificate(request, pk: int):
    return _certificate(request, pk, documents.filing_certificate_docx, "docx", DOCX)


@require_perm(Perm.VIEW)
def certificate_pdf(request, pk: int):
    """The same 备案证明 as an A4 PDF (WeasyPrint), scoped like the Word file."""
    return _certificate(request, pk, documents.filing_certificate_pdf, "pdf", PDF)


@require_perm(Perm.EDIT)
@require_POST
def tax_add(request, pk: int):
    org = selectors.organisation_get(actor=request.user, pk=pk)
    form = TaxQualificationForm(request.POST)
    if form.is_valid():
        support_services.tax_qualification_add(actor=request.user, organisation=org,
                                               **form.cleaned_data)
        messages.success(request, _("已添加税收优惠资格"))
    else:
        reasons = [f"{form.fields[n].label}:{e[0]}" for n, e in form.errors.items()
                   if n in form.fields]
        messages.error(request, _("请完整填写资格类型和有效期(%(r)s)") % {"r": ";".join(reasons)})
    return redirect("orgs:detail", pk=org.pk)


# --- filings ----------------------------------------------------------------------------

FILING_TABS = {
    "review": (gettext_lazy("待我审核"), selectors.filings_awaiting_my_review),
    "returned": (gettext_lazy("退回补正"), selectors.filings_returned_to_us),
    "overdue": (gettext_lazy("逾期未审"), selectors.filings_overdue),
    "all": (gettext_lazy("全部"), selectors.filing_list),
}


@require_perm(Perm.VIEW)
def filing_list(request):
    counts = {key: fn(actor=request.user).count() for key, (_l, fn) in FILING_TABS.items()}
    tab = first_with_work(FILING_TABS, counts, request.GET.get("tab"))
    filings = FILING_TABS[tab][1](actor=request.user)
    return render(request, "orgs/filing_list.html", {
        "tab": tab, "tabs": [(k, label, counts[k]) for k, (label, _f) in FILING_TABS.items()],
        "page": paginate(request, filings), "today": timezone.localdate()})


@require_perm(Perm.VIEW)
def filing_detail(request, pk: int):
    filing = selectors.filing_get(actor=request.user, pk=pk)
    return _filing_page(request, filing, DecisionForm())


def _filing_page(request, filing, form, *, status: int = 200, upload_form=None):
    """The review page: the filing, the organisation's details and the materials filed
    with it, so the filing body decides on one page."""
    org = filing.organisation
    files = list(attachments.attachments_of(filing))
    can_attach = (filing.status in OPEN_FILING_STATUSES
                  and services.can_edit(request.user, org, org.region_code))
    return render(request, "orgs/filing_detail.html", {
        "filing": filing, "org": org, "events": filing.events.select_related("actor"),
        "is_reviewer": services.is_filing_body(request.user, filing.filing_region_code),
        "can_apply": selectors.can_edit_orgs(request.user),
        "form": form, "labels": services.ACTION_LABELS,
        "questions": {action: _filing_question(filing, action) for action in FILING_ASKED},
        "attachments": [(a, _removal_question(a)) for a in files],
        "attachments_total": sum(a.size for a in files), "can_attach": can_attach,
        "upload_form": upload_form or (AttachmentForm() if can_attach else None)},
        status=status)


FILING_ASKED = ("reject", "withdraw")  # they end the filing: asked once (core.confirm)


def _filing_question(filing, action: str) -> confirm.Question | None:
    names = {"o": filing.organisation.name, "k": filing.get_kind_display()}
    if action == "reject":
        return confirm.Question(
            _("对“%(o)s”的%(k)s不予备案?") % names,
            _("不予备案后本次申请办结,不能再补正;理由告知申请方,流转记录保留。"),
            services.ACTION_LABELS["reject"])
    if action == "withdraw":
        return confirm.Question(
            _("撤回“%(o)s”的%(k)s申请?") % names,
            _("撤回后本次申请办结,备案机关不再审核;需要时可重新提交。"),
            services.ACTION_LABELS["withdraw"])
    return None


@require_perm(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def filing_action(request, pk: int, action: str):
    filing = selectors.filing_get(actor=request.user, pk=pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    question = _filing_question(filing, action)
    if question is not None and confirm.asked(request):
        return confirm.confirmation(request, question, form=form,
                                    cancel_url=reverse("orgs:filing_detail", args=[filing.pk]))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        filing = services.filing_transition(actor=request.user, filing=filing, action=action,
                                            comment=comment)
    except Invalid as error:  # 退回 or 不予备案 without a reason: said on the filing's form
        details = error.details if isinstance(error.details, dict) else {}
        form.add_error("comment" if "comment" in details else None, error.message)
        return _filing_page(request, filing, form, status=422)
    messages.success(request, _("“%(o)s”的%(k)s:已%(a)s") % {
        "o": filing.organisation.name, "k": filing.get_kind_display(),
        "a": services.ACTION_LABELS[action]})
    return redirect("orgs:filing_detail", pk=filing.pk)


# --- materials filed with a filing (orgs.attachments) -----------------------------------

@require_perm(Perm.EDIT)
@require_POST
def attachment_upload(request, pk: int):
    filing = selectors.filing_get(actor=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _filing_page(request, filing, DecisionForm(), status=422, upload_form=form)
    try:
        added = attachments.attachments_add(actor=request.user, filing=filing,
                                            kind=form.cleaned_data["kind"],
                                            files=form.cleaned_data["files"])
    except Invalid as error:  # a file of the wrong type or size: said next to the field
        add_form_errors(form, error)
        return _filing_page(request, filing, DecisionForm(), status=422, upload_form=form)
    messages.success(request, _("已上传 %(n)s 个文件:%(f)s") % {
        "n": len(added), "f": "、".join(a.original_name for a in added)})
    return redirect(f"{reverse('orgs:filing_detail', args=[filing.pk])}#attachments")


@require_perm(Perm.VIEW)
def attachment_download(request, pk: int):
    """Served only here, with the type its bytes showed on upload, never inline and never
    sniffed by the browser: an upload cannot run in the platform's origin."""
    attachment = attachments.attachment_get(actor=request.user, pk=pk)
    return uploads.download(attachment)


def _removal_question(attachment) -> confirm.Question:
    return confirm.Question(
        _("删除材料“%(n)s”?") % {"n": attachment.original_name},
        _("删除后该文件从本次备案申请中移除,不再保存;谁在何时上传、删除留有记录。"
          "需要时可以重新上传。"), _("删除材料"))


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def attachment_remove(request, pk: int):
    """Asks first (core.confirm); only before the decision (orgs.attachments)."""
    attachment = attachments.attachment_get(actor=request.user, pk=pk)
    back = f"{reverse('orgs:filing_detail', args=[attachment.filing_id])}#attachments"
    if confirm.asked(request):
        return confirm.confirmation(request, _removal_question(attachment), cancel_url=back)
    attachments.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, _("已删除材料“%(n)s”") % {"n": attachment.original_name})
    return redirect(back)


# --- support structures -----------------------------------------------------------------

def _figure(request, key: str, region, period: Period | None = None) -> list[Shown]:
    """A registered figure for the region and each child, each with its target."""
    indicator = registry.get(key)
    if not indicator.available(access_for(request.user)):
        raise NotFound()
    return with_goals(indicator, indicator.compute(request.user, region,
                                                   period or Period.this_month()))


@require_perm(Perm.VIEW)
def stations(request):
    region = region_or_root(actor=request.user, code=request.GET.get("region", ""))
    coverage = _figure(request, "station_coverage", region)
    listed = selectors.stations_list(actor=request.user).filter(
        region_code__startswith=region.code)
    return render(request, "orgs/stations.html", {
        "region": region, "coverage": coverage, "page": paginate(request, listed),
        "can_edit": selectors.can_edit_orgs(request.user)})


@require_perm(Perm.EDIT)
def station_edit(request, code: str):
    region = region_get(actor=request.user, code=code)
    station = selectors.stations_list(actor=request.user).filter(region_code=code).first()
    initial = {}
    if station:
        initial = {"established": station.established, "operator_id": station.operator_id,
                   "staff_count": station.staff_count, "opened_on": station.opened_on,
                   "address": station.address}
    form = StationForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            support_services.station_save(actor=request.user, region_code=code,
                                          **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已保存%(r)s社工站信息") % {"r": region.name})
            return redirect(f"{reverse('orgs:stations')}?region={code[:6]}")
    return render(request, "orgs/station_form.html", {"form": form, "region": region})


@require_perm(Perm.VIEW)
def incubation(request):
    form = IncubationBaseForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            base = support_services.incubation_base_create(actor=request.user,
                                                           **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            return redirect("orgs:incubation_detail", pk=base.pk)
    return render(request, "orgs/incubation.html", {
        "bases": selectors.incubation_bases(actor=request.user), "form": form,
        "can_edit": selectors.can_edit_orgs(request.user)})


@require_perm(Perm.VIEW)
def incubation_detail(request, pk: int):
    base = selectors.incubation_bases(actor=request.user).filter(pk=pk).first()
    if base is None:
        raise NotFound()
    form = IncubationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            support_services.incubation_add(actor=request.user, base=base, **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已添加入孵记录"))
            return redirect("orgs:incubation_detail", pk=base.pk)
    return render(request, "orgs/incubation_detail.html", {
        "base": base, "rows": selectors.incubations(actor=request.user, base=base),
        "form": form, "can_edit": selectors.can_edit_orgs(request.user)})


TAX_DAYS_MAX = 3650


@require_perm(Perm.VIEW)
def tax_list(request):
    days = request.GET.get("days", "90")
    # 1 to 3,650 days (ten years, longer than any qualification runs); anything else lists
    # them all — a bigger number would overflow the date arithmetic, a non-ASCII digit
    # must not be read as one, and the length test keeps int() off a 5,000-digit string.
    within = (int(days) if is_ascii_number(days) and len(days) <= 4
              and 1 <= int(days) <= TAX_DAYS_MAX else None)
    quals = selectors.tax_qualifications(actor=request.user, expiring_within=within)
    return render(request, "orgs/tax_list.html", {"page": paginate(request, quals),
                                                  "days": within})


@require_perm(Perm.VIEW)
def volunteer_list(request):
    people = selectors.volunteer_list(actor=request.user, q=request.GET.get("q", "").strip(),
                                      social_workers=request.GET.get("sw") == "1")
    return render(request, "orgs/volunteer_list.html", {
        "page": paginate(request, people), "can_edit": selectors.can_edit_orgs(request.user)})


@require_perm(Perm.EDIT)
def volunteer_create(request):
    form = VolunteerForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person = support_services.volunteer_create(actor=request.user, **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已登记 %(n)s") % {"n": person.name})
            return redirect("orgs:volunteer_detail", pk=person.pk)
    return render(request, "orgs/volunteer_form.html", {"form": form})


@require_perm(Perm.VIEW)
def volunteer_detail(request, pk: int):
    person = selectors.volunteer_get(actor=request.user, pk=pk)
    form = VolunteerJoinForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = selectors.organisation_get(actor=request.user,
                                                  pk=form.cleaned_data["organisation_id"])
        try:
            support_services.volunteer_join(actor=request.user, volunteer=person,
                                            organisation=organisation,
                                            role=form.cleaned_data["role"])
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已加入 %(o)s") % {"o": organisation.name})
            return redirect("orgs:volunteer_detail", pk=person.pk)
    return render(request, "orgs/volunteer_detail.html", {
        "person": person, "memberships": person.memberships.select_related("organisation"),
        "form": form, "can_edit": selectors.can_edit_orgs(request.user)})


@require_perm(Perm.VIEW)
def indicators(request):
    """民发〔2017〕191号's organisations per community, 社工站 coverage and the newly filed
    each month: registered figures, with the targets set for each region."""
    region = region_or_root(actor=request.user, code=request.GET.get("region", ""))
    urban, rural = (_figure(request, key, region) for key in ("orgs_per_urban", "orgs_per_rural"))
    filed = registry.get("filings_approved")
    months = [(f"{p.start:%Y-%m}", f"{filed.at(request.user, region, p).value:,.0f}")
              for p in Period.this_month().months_back(12)]
    return render(request, "orgs/indicators.html", {
        "region": region, "density": list(zip(urban, rural, strict=True)),
        "goals": [(registry.get(key).label, rows[0]) for key, rows in
                  (("orgs_per_urban", urban), ("orgs_per_rural", rural))],
        "coverage": _figure(request, "station_coverage", region),
        "months": months})


