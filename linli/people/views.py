from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.audit.models import Action
from linli.audit.services import access_log_record
from linli.core import confirm, sections
from linli.core.errors import Conflict, Invalid, NotFound
from linli.core.views import add_form_errors, paginate, require_perm
from linli.people import exporters, selectors, services
from linli.people.forms import (
    AssignForm,
    CloseForm,
    ConsentForm,
    ContactForm,
    FilterForm,
    GroupForm,
    HouseholdForm,
    PersonForm,
)
from linli.people.models import GroupMembership
from linli.people.selectors import village_staff
from linli.regions.models import Level

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request) -> tuple[FilterForm, selectors.PeopleFilter]:
    data = request.GET.copy()
    data.setdefault("status", "active")
    form = FilterForm(data, actor=request.user)
    values = form.cleaned_data if form.is_valid() else {"status": "active"}
    filters = selectors.PeopleFilter(**{k: v for k, v in values.items() if k in
                                        selectors.PeopleFilter.__dataclass_fields__})
    # 待补充 (left to complete by an import): a link on the list, not a form field yet
    filters.to_complete = request.GET.get("to_complete") == "1"
    return form, filters


@require_perm(Perm.VIEW)
def person_list(request):
    form, filters = _filters(request)
    people = selectors.people_list(actor=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return _export(request, people)
    page = paginate(request, people)
    services.list_read_log(actor=request.user, rows=page.object_list, request=request)
    return render(request, "people/person_list.html", {
        "form": form, "page": page, "to_complete": filters.to_complete,
        "to_complete_count": selectors.to_complete_count(actor=request.user),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


def _export(request, people):
    access = access_for(request.user)
    if not access.can(Perm.EXPORT):
        raise NotFound()
    reveal = request.GET.get("reveal") == "1" and access.can(Perm.REVEAL_ID)
    content, count = exporters.people_xlsx(people, reveal=reveal)
    access_log_record(actor=request.user, action=Action.EXPORT, request=request,
                      object_type="people.person", object_repr=_("关爱对象名单 %(n)d 人") % {
                          "n": count},
                      reason=(_("导出(含完整身份证号)") if reveal else _("导出(身份证号已遮蔽)"))
                      + " " + request.GET.urlencode()[:120])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=people-{timezone.localdate().isoformat()}.xlsx")
    return response


@require_perm(Perm.EDIT)
def person_create(request):
    form = PersonForm(request.POST or None, initial={"region_code": request.GET.get("region", "")},
                      actor=request.user)
    group_form = GroupForm(request.POST or None, prefix="g")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        groups = []
        if group_form.is_valid() and group_form.cleaned_data.get("code"):
            groups = [{k: v for k, v in group_form.cleaned_data.items() if v}]
        try:
            result = services.person_register(actor=request.user, groups=groups, **data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("已登记 %(n)s") % {"n": result.person.name})
            return redirect("people:detail", pk=result.person.pk)
    return render(request, "people/person_form.html", {"form": form, "group_form": group_form})


@require_perm(Perm.VIEW)
def person_detail(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    if selectors.is_sensitive(person):
        access_log_record(actor=request.user, action=Action.VIEW, obj=person, request=request,
                          reason=_("查看对象档案"))
    access = access_for(request.user)
    return render(request, "people/person_detail.html", {
        "person": person,
        "memberships": _with_end_questions(person),
        "household": (person.household.members.exclude(pk=person.pk)
                      if person.household_id else []),
        "contacts": person.contacts.all(), "consents": person.consents.select_related(
            "recorded_by"),
        "history": person.history.select_related("history_user")[:20],
        "can_edit": access.can(Perm.EDIT), "can_reveal": access.can(Perm.REVEAL_ID),
        "group_form": GroupForm(), "contact_form": ContactForm(),
        "consent_form": ConsentForm(initial={"given_on": timezone.localdate(),
                                             "given_by": person.name}),
        "close_form": CloseForm(), "close_question": _close_question(person),
        "age": person.age(),
        "volunteers": person.volunteers.all(),
        "sections": sections.sections_for("person", request.user, person),
        "directors": village_staff(person) if (person.age() or 99) < 18 else [],
        **({"assign_form": AssignForm(person=person, actor=request.user),
            "household_form": HouseholdForm(actor=request.user)}
           if access.can(Perm.EDIT) else {})})


@require_perm(Perm.EDIT)
def person_edit(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    initial = {f: getattr(person, f) for f in services.EDITABLE}
    initial.update(region_code=person.region_code, version=person.version,
                   birth_date=person.birth_date, sex=person.sex)
    form = PersonForm(request.POST or None, initial=initial, actor=request.user)
    for name in ("id_number", "birth_date", "sex"):
        form.fields[name].disabled = bool(person.id_hash) or name == "id_number"
    if person.region.level < Level.VILLAGE:  # left at the township by an import: 待补充
        form.fields["region_code"].help_text = _(
            "村(社区)待补充:现登记在“%(r)s”,请选择其所在的村(社区)") % {"r": person.region.name}
        form.fields["region_code"].options = {"within": person.region.code}  # its villages
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()
                if k in services.EDITABLE or k == "region_code"}
        try:
            services.person_update(actor=request.user, person=person,
                                   version=form.cleaned_data["version"] or 0, **data)
        except (Invalid, Conflict) as error:  # a stale save keeps the clerk's typing
            add_form_errors(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require_perm(Perm.REVEAL_ID)
@require_POST
def reveal(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    number = services.id_number_reveal(actor=request.user, person=person,
                                       reason=request.POST.get("reason", ""), request=request)
    return render(request, "people/_revealed.html", {"number": number})


@require_perm(Perm.EDIT)
@require_POST
def group_add(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    form = GroupForm(request.POST)
    if not form.is_valid():
        raise Invalid(_("请选择类别"))
    services.group_add(actor=request.user, person=person,
                       **{k: v for k, v in form.cleaned_data.items() if v})
    messages.success(request, _("已添加类别"))
    return redirect("people:detail", pk=person.pk)


def _with_end_questions(person) -> list[GroupMembership]:
    memberships = list(person.group_memberships.select_related("group").order_by(
        "ended_on", "-started_on"))
    for membership in memberships:
        membership.end_question = _group_end_question(person, membership)
    return memberships


def _group_end_question(person, membership: GroupMembership) -> confirm.Question:
    return confirm.Question(
        _("终止%(n)s的“%(g)s”认定?") % {"n": person.name, "g": membership.group.name},
        _("终止后不再按该类别安排探访;认定记录保留,需要时可重新添加。"), _("终止"))


def _close_question(person) -> confirm.Question:
    return confirm.Question(
        _("为%(n)s销册?") % {"n": person.name},
        _("销册后不再安排探访,各类别认定同时终止;档案和探访记录保留,可在名单中按“已销册”查到。"),
        _("确认销册"))


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def group_end(request, pk: int, membership_pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    membership = GroupMembership.objects.filter(person=person, pk=membership_pk).select_related(
        "group").first()
    if membership is None:
        raise NotFound()
    if confirm.asked(request):
        return confirm.confirmation(request, _group_end_question(person, membership),
                                    cancel_url=reverse("people:detail", args=[person.pk]))
    services.group_end(actor=request.user, membership=membership)
    messages.success(request, _("已终止%(n)s的“%(g)s”认定") % {
        "n": person.name, "g": membership.group.name})
    return redirect("people:detail", pk=person.pk)


@require_perm(Perm.EDIT)
@require_POST
def contact_add(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        raise Invalid(_("请填写联系人姓名和关系"))
    services.contact_add(actor=request.user, person=person, **form.cleaned_data)
    return redirect("people:detail", pk=person.pk)


@require_perm(Perm.EDIT)
@require_POST
def consent_add(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        raise Invalid(_("请完整填写知情同意信息"))
    services.consent_record(actor=request.user, person=person, **form.cleaned_data)
    messages.success(request, _("已记录知情同意"))
    return redirect("people:detail", pk=person.pk)


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    """销册 asks first (core.confirm), with the reason and date on the same page."""
    person = selectors.person_get(actor=request.user, pk=pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if confirm.asked(request):
        return _close_page(request, person, form, status=200)
    if not form.is_valid():
        return _close_page(request, person, form, status=422)
    try:
        services.person_close(actor=request.user, person=person,
                              reason=form.cleaned_data["reason"], on=form.cleaned_data["on"])
    except Invalid as error:  # a date after today: said next to it
        add_form_errors(form, error)
        return _close_page(request, person, form, status=422)
    messages.success(request, _("%(n)s已销册(%(r)s),不再安排探访") % {
        "n": person.name, "r": person.get_close_reason_display()})
    return redirect("people:detail", pk=person.pk)


def _close_page(request, person, form, *, status: int):
    return confirm.confirmation(request, _close_question(person), form=form, status=status,
                                cancel_url=reverse("people:detail", args=[person.pk]))


@require_perm(Perm.VIEW)
def person_options(request):
    q = next((v.strip() for v in request.GET.values() if v.strip()), "")
    people = (selectors.people_list(actor=request.user, filters=selectors.PeopleFilter(q=q))[:20]
              if q else [])
    return render(request, "people/options.html", {"people": people})


@require_perm(Perm.EDIT)
@require_POST
def household_link(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    form = HouseholdForm(request.POST, actor=request.user)
    if not form.is_valid():
        raise _form_invalid(form)
    services.household_link(actor=request.user, person=person, other=form.picked["other"],
                            relation=form.cleaned_data["relation"])
    messages.success(request, _("已登记同户关系"))
    return redirect("people:detail", pk=person.pk)


@require_perm(Perm.EDIT)
@require_POST
def assign(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    form = AssignForm(request.POST, person=person, actor=request.user)
    if not form.is_valid():
        raise _form_invalid(form)
    services.person_assign(actor=request.user, person=person, **form.cleaned_data)
    messages.success(request, _("已更新责任分配"))
    return redirect("people:detail", pk=person.pk)


def _form_invalid(form) -> Invalid:
    """A small form of the detail page refused: each reason named by its field."""
    reasons = [f"{form.fields[name].label}:{error}" if name in form.fields else error
               for name, errors in form.errors.items() for error in errors]
    return Invalid(";".join(reasons), details={k: list(v) for k, v in form.errors.items()})
