from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.care import selectors, services
from linli.care.forms import CanteenForm, FacilityForm, LocationForm, MealsForm, ServiceForm
from linli.core.errors import Invalid
from linli.core.views import add_form_errors, paginate, require_perm
from linli.regions.selectors import region_or_root


def _handle(request, form, action, success: str, target: str, **extra):
    if request.method == "POST" and form.is_valid():
        try:
            action(actor=request.user, **form.cleaned_data, **extra)
        except Invalid as error:
            add_form_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(target)
    return None


@require_perm(Perm.VIEW)
def service_list(request):
    form = ServiceForm(request.POST or None, initial={"served_at": timezone.localtime()})
    done = _handle(request, form, services.service_record, _("已登记服务"), "care:services")
    return done or render(request, "care/services.html", {
        "form": form, "page": paginate(request, selectors.services(actor=request.user)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def canteen_list(request):
    form = CanteenForm(request.POST or None)
    done = _handle(request, form, services.canteen_create, _("已登记助餐点"), "care:canteens")
    return done or render(request, "care/canteens.html", {
        "form": form, "canteens": selectors.canteens(actor=request.user),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def canteen_detail(request, pk: int):
    canteen = selectors.canteen_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    form = MealsForm(request.POST or None, initial={"served_on": today})
    if request.method == "POST" and form.is_valid():
        ids = [int(v) for v in form.cleaned_data["person_ids"].replace(",", " ").split()
               if v.isdigit()]
        added = services.meals_record(actor=request.user, canteen=canteen, person_ids=ids,
                                      served_on=form.cleaned_data["served_on"])
        messages.success(request, _("已登记 %(n)d 人次就餐") % {"n": added})
        return redirect("care:canteen", pk=canteen.pk)
    day = form.cleaned_data["served_on"] if form.is_bound and form.is_valid() else today
    return render(request, "care/canteen.html", {
        "canteen": canteen, "form": form, "meals": selectors.meals_on(
            actor=request.user, canteen=canteen, day=day),
        "month_total": selectors.meals_total(canteen=canteen, since=today.replace(day=1)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def facility_list(request):
    form = FacilityForm(request.POST or None)
    done = _handle(request, form, services.facility_create, _("已登记设施"), "care:facilities")
    return done or render(request, "care/facilities.html", {
        "form": form, "page": paginate(request, selectors.facilities(actor=request.user)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def circle(request):
    region = region_or_root(actor=request.user, code=request.GET.get("region", ""))
    meters = request.GET.get("meters", "")
    form = LocationForm(request.POST or None)
    done = _handle(request, form, services.location_set, _("已保存村(社区)位置"),
                   request.get_full_path())
    if done:
        return done
    return render(request, "care/circle.html", {
        "region": region, "form": form, "can_edit": access_for(request.user).can(Perm.EDIT),
        "meters": int(meters) if meters.isdigit() else None,
        "rows": selectors.service_circle(actor=request.user, region=region,
                                         meters=int(meters) if meters.isdigit() else None)})
