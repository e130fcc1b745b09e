"""Pages of the household: its view (「一户一条救助链」), a survey's form, a survey's
referral, and a joint case note."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.appeals import surveys
from linli.appeals.forms import CaseNoteForm, ReferSurveyForm, SurveyForm
from linli.appeals.households import household_of
from linli.appeals.surveys import FLAG_CATEGORY
from linli.core.errors import Invalid
from linli.core.views import add_form_errors, require_perm
from linli.people.selectors import person_get


@require_perm(Perm.VIEW)
def household(request, pk: int):
    found = household_of(actor=request.user, pk=pk)
    for survey in found.surveys:  # what its flags suggest, to refer in one step
        survey.refer_form = ReferSurveyForm(initial={"category": next(
            (FLAG_CATEGORY[f] for f in survey.flags if f in FLAG_CATEGORY), "temporary")},
            prefix=f"s{survey.pk}") if survey.flags and survey.appeal_id is None else None
    return render(request, "appeals/household.html", {
        "house": found, "note_form": CaseNoteForm(),
        "may_survey": surveys.may_survey(request.user),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.EDIT)
@require_http_methods(["GET", "POST"])
def survey_new(request, pk: int):
    person = person_get(actor=request.user, pk=pk)
    members = person.household.members.count() if person.household_id else 1
    form = SurveyForm(request.POST or None, initial={"members_count": members})
    if request.method == "POST" and form.is_valid():
        try:
            survey = surveys.survey_record(actor=request.user, person_id=person.pk,
                                           **form.cleaned_data)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已登记家庭经济状况调查:人均月收入 %(i)s 元") % {
                "i": survey.per_capita_monthly})
            return redirect(reverse("appeals:household", args=[person.pk]) + "#surveys")
    return render(request, "appeals/survey_form.html", {
        "person": person, "form": form, "may_survey": surveys.may_survey(request.user)},
        status=422 if form.errors else 200)


@require_perm(Perm.EDIT)
@require_POST
def survey_refer(request, pk: int):
    survey = surveys.survey_get(actor=request.user, pk=pk)
    form = ReferSurveyForm(request.POST, prefix=f"s{survey.pk}")
    if not form.is_valid():
        messages.error(request, _("请选择转介的救助类型"))
    else:
        try:
            survey = surveys.survey_refer(actor=request.user, survey=survey,
                                          category=form.cleaned_data["category"].code)
        except Invalid as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已据调查提示登记诉求,待受理后转介社会救助"))
            return redirect("appeals:detail", pk=survey.appeal_id)
    return redirect(reverse("appeals:household", args=[survey.person_id]) + "#surveys")


@require_perm(Perm.EDIT)
@require_POST
def case_note(request, pk: int):
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            surveys.case_note_add(actor=request.user, person_id=pk, text=form.cleaned_data["text"])
        except Invalid as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("请填写记录内容"))
    return redirect(reverse("appeals:household", args=[pk]) + "#notes")
