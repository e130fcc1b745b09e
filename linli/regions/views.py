from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from linli.accounts.access import access_for, hidden_domains
from linli.accounts.roles import Perm
from linli.core.errors import NotFound
from linli.core.indicators import available_to
from linli.core.views import require_perm
from linli.regions import choropleth, geo, selectors
from linli.regions.forms import ChoroplethForm


@require_perm(Perm.VIEW)
def index(request):
    roots = selectors.region_roots(actor=request.user)
    if not roots:
        raise NotFound()  # organisation staff work by organisation, not by region
    if len(roots) == 1:
        return redirect("regions:detail", code=roots[0].code)
    return render(request, "regions/index.html", {
        "rows": [(root, selectors.region_tally(region=root)) for root in roots]})


@require_perm(Perm.VIEW)
def detail(request, code: str):
    region = selectors.region_get(actor=request.user, code=code)
    return render(request, "regions/detail.html", {
        "region": region,
        "breadcrumb": selectors.region_breadcrumb(actor=request.user, region=region),
        "tally": selectors.region_tally(region=region),
        "children": selectors.region_children(region=region),
    })


@require_perm(Perm.VIEW)
def options(request):
    """<option>s for a region picker (HTMX), scoped like every other read."""
    # htmx sends the typed text under the input's own name (region_code, authority_…, q)
    q = next((v.strip() for v in request.GET.values() if v.strip()), "")
    regions = selectors.region_list(actor=request.user, q=q)[:20] if q else []
    return render(request, "regions/options.html", {"regions": regions})


@require_perm(Perm.VIEW)
def choropleth_map(request):
    """A registered figure on the map of the province's prefectures or of one prefecture's
    counties, with its values in a table beside it (the table is the accessible form)."""
    indicators = available_to(request.user)
    areas = choropleth.areas_for(actor=request.user)
    if not indicators or not areas:
        raise NotFound()
    form = ChoroplethForm({"figure": request.GET.get("figure") or indicators[0].key,
                           "area": request.GET.get("area") or areas[0].code},
                          indicators=indicators, areas=areas)
    if not form.is_valid():
        raise NotFound()  # a figure or a region that is not the user's: as if it did not exist
    indicator = next(i for i in indicators if i.key == form.cleaned_data["figure"])
    area = next(a for a in areas if a.code == form.cleaned_data["area"])
    result = choropleth.choropleth(actor=request.user, indicator=indicator, area=area)
    low, high = result.value_range()
    spec = {"geo": static(result.geo_path) if result.geo_path else "", "map": f"linli-{area.code}",
            "series": str(indicator.label), "data": result.map_data(), "min": low, "max": high,
            "percent": indicator.kind == "percent", "labels": {"high": _("高"), "low": _("低")}}
    return render(request, "regions/map.html", {
        "form": form, "result": result, "indicator": indicator, "spec": spec,
        "label": geo.label(),
        "goal_shown": indicator.shown(result.goal.value) if result.goal else "",
        "domains": hidden_domains(access_for(request.user)) if indicator.personal else []})
