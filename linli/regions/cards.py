"""The regions app's cards on the home dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.core.dashboard import Card
from linli.core.figures import children_of
from linli.regions.models import CODE_LENGTHS, Level
from linli.regions.selectors import Tally, region_roots, region_tallies, scope_tally


def _child_tallies(access: Access, root) -> dict[str, Tally]:
    """What lies under each child of the one root, the children themselves included: the
    card sums them, the chart draws them (one grouped query for both)."""
    if "child_tallies" not in access.memo:
        access.memo["child_tallies"] = region_tallies(
            root.code, CODE_LENGTHS[root.level + 1], root.level)
    return access.memo["child_tallies"]


def _tally(access: Access) -> Tally:
    roots = region_roots(actor=access)
    if len(roots) != 1 or roots[0].level == Level.VILLAGE:
        return scope_tally(actor=access)
    total = Tally()
    for part in _child_tallies(access, roots[0]).values():
        for key, value in vars(part).items():
            setattr(total, key, getattr(total, key) + value)
    return total


def region_card(access: Access) -> Card | None:
    if not access.region_codes:
        return None
    tally = _tally(access)
    # Counties and townships only where the scope has them (a county has no counties).
    above = [(_("县级单位"), tally.counties), (_("乡镇(街道)"), tally.townships)]
    rows = [(label, n) for label, n in above if n]
    rows += [(_("城镇社区"), tally.urban), (_("农村村委会"), tally.rural)]
    return Card(
        title=_("辖区村(社区)"), value=f"{tally.villages:,}", unit=_("个"),
        url=reverse("regions:index"), rows=[(label, f"{n:,}") for label, n in rows],
    )


def village_chart_card(access: Access) -> Card | None:
    roots = region_roots(actor=access)
    if len(roots) != 1 or roots[0].level >= Level.TOWNSHIP:
        return None
    tallies = _child_tallies(access, roots[0])
    children = [(child, tallies.get(child.code, Tally())) for child in children_of(roots[0])[0]]
    urban_label, rural_label = _("城镇社区"), _("农村村委会")
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [urban_label, rural_label]},
        "grid": {"left": 40, "right": 10, "bottom": 80},
        "xAxis": {"type": "category", "data": [c.name for c, _t in children],
                  "axisLabel": {"rotate": 35}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": urban_label, "type": "bar", "stack": "v",
             "data": [t.urban for _c, t in children]},
            {"name": rural_label, "type": "bar", "stack": "v",
             "data": [t.rural for _c, t in children]},
        ],
    }
    return Card(title=_("%(name)s下辖村(社区)分布") % {"name": roots[0].name}, chart=chart)
