import unicodedata

from django.contrib import messages
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.care import maps, selectors, services
from linli.care.forms import CanteenForm, FacilityForm, LocationForm, MealsForm, ServiceForm
from linli.core.bounds import is_ascii_number
from linli.core.errors import Invalid
from linli.core.views import add_form_errors, paginate, require_perm
from linli.regions import geo
from linli.regions.models import Level
from linli.regions.selectors import region_get, region_or_root, region_roots


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
    form = ServiceForm(request.POST or None, initial={"served_at": timezone.localtime()},
                       actor=request.user)
    done = _handle(request, form, services.service_record, _("已登记服务"), "care:services")
    return done or render(request, "care/services.html", {
        "form": form, "page": paginate(request, selectors.services(actor=request.user)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def canteen_list(request):
    form = CanteenForm(request.POST or None, actor=request.user)
    done = _handle(request, form, services.canteen_create, _("已登记助餐点"), "care:canteens")
    return done or render(request, "care/canteens.html", {
        "form": form, "canteens": selectors.canteens(actor=request.user),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def canteen_detail(request, pk: int):
    canteen = selectors.canteen_get(actor=request.user, pk=pk)
    today = timezone.localdate()
    form = MealsForm(request.POST or None, initial={"served_on": today}, actor=request.user)
    if request.method == "POST" and form.is_valid():
        ids = form.cleaned_data["person_ids"]
        added = services.meals_record(actor=request.user, canteen=canteen, person_ids=ids,
                                      served_on=form.cleaned_data["served_on"])
        messages.success(request, _("已登记 %(n)d 人次就餐") % {"n": added} + (
            _(";另有 %(m)d 人当日已登记过") % {"m": len(ids) - added} if added < len(ids) else ""))
        return redirect("care:canteen", pk=canteen.pk)
    day = form.cleaned_data["served_on"] if form.is_bound and form.is_valid() else today
    return render(request, "care/canteen.html", {
        "canteen": canteen, "form": form, "meals": selectors.meals_on(
            actor=request.user, canteen=canteen, day=day),
        "month_total": selectors.meals_total(canteen=canteen, since=today.replace(day=1)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


@require_perm(Perm.VIEW)
def facility_list(request):
    form = FacilityForm(request.POST or None, actor=request.user)
    done = _handle(request, form, services.facility_create, _("已登记设施"), "care:facilities")
    return done or render(request, "care/facilities.html", {
        "form": form, "page": paginate(request, selectors.facilities(actor=request.user)),
        "can_edit": access_for(request.user).can(Perm.EDIT)})


# Metres, as the API's circle endpoint: a street's walk to a pastoral township's reach.
RADIUS_MIN, RADIUS_MAX = 100, 20_000


def _radius(request) -> int | None:
    """The 服务半径 asked for, or None (the default) with a warning when it is not a number
    of metres in range (full-width ５００ is 500; Arabic-Indic ٥٠٠ is not a number here)."""
    text = unicodedata.normalize("NFKC", request.GET.get("meters", "")).strip()
    if not text:
        return None
    if is_ascii_number(text) and len(text) <= 5 and RADIUS_MIN <= int(text) <= RADIUS_MAX:
        return int(text)
    messages.warning(request, _("服务半径应为 %(a)d 至 %(b)d 米之间的整数,已按默认半径计算")
                     % {"a": RADIUS_MIN, "b": RADIUS_MAX})
    return None


@require_perm(Perm.VIEW)
def circle(request):
    region = region_or_root(actor=request.user, code=request.GET.get("region", ""))
    form = LocationForm(request.POST or None, actor=request.user)
    done = _handle(request, form, services.location_set, _("已保存村(社区)位置"),
                   request.get_full_path())
    if done:
        return done
    meters = _radius(request)
    return render(request, "care/circle.html", {
        "region": region, "form": form, "can_edit": access_for(request.user).can(Perm.EDIT),
        "meters": meters,
        "rows": selectors.service_circle(actor=request.user, region=region, meters=meters)})


def _map_region(request, form):
    """The county picked (the shared picker: a name typed, or ?region=<code> from a link),
    else the user's own region; a code outside the scope is 404, as on the circle page."""
    if form.is_bound and form.is_valid() and form.picked.get("region"):
        return form.picked["region"]
    code = request.GET.get("region", "").strip()
    if code:
        return region_get(actor=request.user, code=code)
    return region_or_root(actor=request.user)


def _point(lat, lon, *label) -> list:
    return [round(lon, 6), round(lat, 6), *label]


def _network_spec(network: maps.Network) -> dict:
    """What maps.js draws, as JSON in the page (the CSP allows no inline script)."""
    outline = network.outline
    return {
        "geo": static(outline.path) if outline else "", "keep": list(outline.keep) if outline
        else [], "map": f"linli-county-{network.region.code}", "meters": network.meters,
        "facilities": [_point(float(f.latitude), float(f.longitude), f.name, f.kind)
                       for f in network.facilities],
        "canteens": [_point(lat, lon, c.name, c.get_kind_display())
                     for kind, c, lat, lon in network.points()
                     if kind == "canteen" and lat is not None],
        "covered": [_point(v.latitude, v.longitude, v.region.name) for v in network.villages
                    if v.latitude is not None and v.covered],
        "uncovered": [_point(v.latitude, v.longitude, v.region.name) for v in network.uncovered],
        "series": {"facility": _("养老服务设施"), "canteen": _("助餐点"),
                   "facility_circle": _("设施服务半径"), "canteen_circle": _("助餐点服务半径"),
                   "covered": _("已覆盖的村(社区)"), "uncovered": _("未覆盖的村(社区)")},
    }


@require_perm(Perm.VIEW)
def county_map(request):
    """养老服务网络地图: a county's facilities, canteens and 社工站, the service circle of each,
    and the villages the 15-minute circle leaves out; what has no position is listed."""
    form = maps.CountyForm(request.GET or None, actor=request.user)
    region = _map_region(request, form)
    roots = region_roots(actor=request.user)
    context = {"form": form, "region": region, "label": geo.label(),
               "picker": len(roots) > 1 or any(r.level < Level.COUNTY for r in roots)}
    if region.level >= Level.COUNTY:
        network = maps.care_network(actor=request.user, region=region, meters=_radius(request))
        context.update(network=network, spec=_network_spec(network))
    return render(request, "care/map.html", context)
