from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access, access_for
from linli.accounts.roles import Perm, Role
from linli.core.dashboard import Card, Todo
from linli.core.figures import goal_of, target_shown
from linli.core.indicators import Period
from linli.regions.selectors import region_roots
from linli.visits import selectors
from linli.visits.indicators import VISIT_RATE
from linli.visits.models import CHECKLIST, Schedule


def _root(access: Access):
    roots = region_roots(actor=access)
    return roots[0] if len(roots) == 1 and access.sees_personal_data else None


def _rates(access: Access, root) -> list:
    """The card and the chart show the same figures: compute them once per request."""
    if "visit_rate" not in access.memo:
        access.memo["visit_rate"] = VISIT_RATE.compute(access, root, Period.this_month())
    return access.memo["visit_rate"]


def visit_rate_card(access: Access) -> Card | None:
    root = _root(access)
    if root is None:
        return None
    indicator, rate = VISIT_RATE, _rates(access, root)[0]
    goal = goal_of(access, "visit_rate", root)
    visited, due = rate.parts
    return Card(title=_("本月探访率"), value=indicator.shown(rate.value),
                target=target_shown(indicator, goal), below=bool(goal and goal.short(rate.value)),
                url=reverse("visits:worklist"),
                rows=[(_("应访"), f"{due:,}"), (_("已访"), f"{visited:,}")])


def _worklist_counts(access: Access) -> dict[str, int]:
    """The card and the to-do show the same counts: one query per request."""
    if "worklist_counts" not in access.memo:
        access.memo["worklist_counts"] = selectors.worklist_counts(actor=access)
    return access.memo["worklist_counts"]


def worklist_card(access: Access) -> Card | None:
    if not (access.region_codes or access.organisation_ids) or not access.sees_personal_data:
        return None
    counts = _worklist_counts(access)
    return Card(title=_("逾期未访"), value=f"{counts['overdue']:,}", unit=_("人"),
                url=reverse("visits:worklist"), rows=[(_("本周应访"), f"{counts['week']:,}"),
                                                      (_("从未探访"), f"{counts['never']:,}")])


# Who visits, and who answers for the visits of a township or county: their overdue people
# are their work (for a province's bureau they are a figure, on the cards).
VISITING_ROLES = frozenset({Role.VILLAGE_STAFF, Role.ORG_STAFF, Role.VOLUNTEER,
                            Role.TOWNSHIP_ASSISTANT, Role.COUNTY_BUREAU})


def overdue_todo(access: Access) -> Todo | None:
    if not access.roles & VISITING_ROLES or not access.sees_personal_data:
        return None
    return Todo(_("逾期未访的对象"), _worklist_counts(access)["overdue"],
                reverse("visits:worklist") + "?tab=overdue", urgent=True)


def week_todo(access: Access) -> Todo | None:
    if not access.roles & VISITING_ROLES or not access.sees_personal_data:
        return None
    return Todo(_("本周应探访的对象"), _worklist_counts(access)["week"],
                reverse("visits:worklist") + "?tab=week")


def visit_rate_chart(access: Access) -> Card | None:
    root = _root(access)
    if root is None or root.level >= 4:
        return None
    indicator, rows = VISIT_RATE, _rates(access, root)[1:]
    goal = goal_of(access, "visit_rate", root)
    series = {"name": str(indicator.label), "type": "bar", "data": [r.value for r in rows]}
    title = _("各地本月探访率")
    if goal is not None:
        series["markLine"] = {"data": [{"yAxis": goal.value, "name": _("目标")}]}
        title = _("各地本月探访率(目标 %(target)s)") % {"target": target_shown(indicator, goal)}
    chart = {"tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 10, "bottom": 80},
             "xAxis": {"type": "category", "data": [r.region.name for r in rows],
                       "axisLabel": {"rotate": 35}},
             "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
             "series": [series]}
    return Card(title=title, chart=chart)


def person_visits(actor, person):
    """The visit history panel of the person page: each visit with what was found on each
    point of the checklist, the needs, and its photo and position when it has them."""
    schedule = Schedule.objects.filter(person=person).first()
    visits = list(selectors.visits_of(actor=actor, person=person)[:20])
    for visit in visits:
        visit.checklist_items = [(label, visit.checklist[key]) for key, label in CHECKLIST
                                 if visit.checklist.get(key)]
    return "visits/_person_visits.html", {"visits": visits, "schedule": schedule,
                                          "person": person,
                                          "can_raise": access_for(actor).can(Perm.EDIT)}
