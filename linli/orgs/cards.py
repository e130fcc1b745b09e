"""The orgs app's cards on the home dashboard (measures 一、八)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.core.dashboard import Card, Todo
from linli.core.figures import goal_of, target_shown
from linli.orgs import selectors
from linli.orgs.indicators import ORGS_ACTIVE, PER_RURAL, PER_URBAN, STATION_COVERAGE
from linli.regions.models import Level
from linli.regions.selectors import region_roots


def _root(access: Access):
    roots = region_roots(actor=access)
    if len(roots) != 1 or selectors._org_access(access) is None:
        return None
    return roots[0]


def organisations_card(access: Access) -> Card | None:
    root = _root(access)
    if root is None:
        return None
    active = ORGS_ACTIVE.at(access, root)
    rows = []
    for indicator, label in ((PER_URBAN, _("每个城镇社区")), (PER_RURAL, _("每个农村社区"))):
        value = indicator.at(access, root)
        if value.parts[1]:  # the region has communities of this kind
            goal = goal_of(access, indicator.key, root)
            rows.append((_with_target(label, indicator, goal), indicator.shown(value.value)))
    return Card(title=_("在册社会组织"), value=f"{active.value:,.0f}", unit=_("个"),
                url=reverse("orgs:indicators"), rows=rows)


def _with_target(label: str, indicator, goal) -> str:
    if goal is None:
        return label
    return _("%(label)s(目标 %(target)s)") % {"label": label,
                                               "target": target_shown(indicator, goal)}


def stations_card(access: Access) -> Card | None:
    root = _root(access)
    if root is None or root.level > Level.TOWNSHIP:
        return None
    indicator = STATION_COVERAGE
    coverage = indicator.at(access, root)
    goal = goal_of(access, indicator.key, root)
    met = goal.met_by(coverage.value) if goal else None
    return Card(title=str(indicator.label), value=indicator.shown(coverage.value),
                target=target_shown(indicator, goal), below=met is False,
                url=reverse("orgs:stations"),
                rows=[(_("已建成"), f"{coverage.parts[0]}"),
                      (_("乡镇(街道)"), f"{coverage.parts[1]}")],
                note={True: _("已达标"), False: _("未达标"), None: ""}[met])


def _filing_counts(access: Access) -> tuple[int, int]:
    """Waiting for my review, returned to us: the card and the to-do share one count."""
    if "filing_counts" not in access.memo:
        access.memo["filing_counts"] = (
            selectors.filings_awaiting_my_review(actor=access).count(),
            selectors.filings_returned_to_us(actor=access).count())
    return access.memo["filing_counts"]


def review_todo(access: Access) -> Todo | None:
    if selectors._org_access(access) is None:
        return None
    return Todo(_("待我审核的备案"), _filing_counts(access)[0],
                reverse("orgs:filings") + "?tab=review")


def returned_todo(access: Access) -> Todo | None:
    if selectors._org_access(access) is None:
        return None
    return Todo(_("退回待补正的备案"), _filing_counts(access)[1],
                reverse("orgs:filings") + "?tab=returned", urgent=True)


def filings_card(access: Access) -> Card | None:
    if selectors._org_access(access) is None:
        return None
    waiting, returned = _filing_counts(access)
    overdue = selectors.filings_overdue(actor=access).count()
    if not (waiting or overdue or returned) and not access.region_codes:
        return None
    return Card(title=_("备案待办"), value=f"{waiting}", unit=_("件待我审核"),
                url=reverse("orgs:filings"),
                rows=[(_("逾期未审"), f"{overdue}"), (_("退回补正"), f"{returned}")])


def filings_chart_card(access: Access) -> Card | None:
    if selectors._org_access(access) is None or not access.region_codes:
        return None
    months = selectors.filings_per_month(actor=access)
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "bottom": 40},
        "xAxis": {"type": "category", "data": [m for m, _n in months]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": _("成立备案"), "type": "line", "data": [n for _m, n in months]}],
    }
    return Card(title=_("每月新备案社区社会组织"), chart=chart)


