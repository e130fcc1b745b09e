from django.shortcuts import redirect, render

from linli.accounts.roles import Perm
from linli.core.errors import NotFound
from linli.core.views import require_perm
from linli.regions import selectors


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
