"""Helpers for the registered figures (core.indicators): counting a scoped queryset for a
region and each of its children in one grouped query, the shape every figure's compute
takes; and showing a figure with its target (reports.targets) on a card or a page.

The children are the region's next level (none below a village); a record belongs to the
child whose code its stored region code starts with, so one ``GROUP BY substr(code, 1, n)``
on the indexed code column answers them all, however many children or rows there are.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from linli.accounts.access import access_for
from linli.core.indicators import PERCENT, Indicator, Period, Value, percent, ratio
from linli.regions.models import CODE_LENGTHS, PROVINCE_CODE, Level, Region


def children_of(region: Region, *, lowest: int = Level.VILLAGE) -> tuple[list[Region], int]:
    """The region's children when they are at ``lowest`` level or above, with the length of
    their codes (the region's own length when it has none). Kept on the region object (the
    divisions do not change while it lives): the cards of one home page ask for the same
    root's children many times."""
    if region.level >= lowest:
        return [], len(region.code)
    if "_figure_children" not in region.__dict__:
        region.__dict__["_figure_children"] = list(region.children.order_by("code"))
    children = region.__dict__["_figure_children"]
    return children, CODE_LENGTHS[region.level + 1] if children else len(region.code)


def grouped(queryset: QuerySet, field: str, length: int, **aggregates) -> dict[str, dict]:
    """``{code prefix: {name: value}}`` of ``aggregates`` over ``queryset``, grouped by the
    first ``length`` characters of ``field``."""
    rows = (queryset.annotate(tally_prefix=Substr(field, 1, length)).values("tally_prefix")
            .annotate(**aggregates).order_by())
    return {row.pop("tally_prefix"): row for row in rows}


def counts(region: Region, queryset: QuerySet, field: str = "region_code",
           aggregate=None) -> list[Value]:
    """The count (or ``aggregate``) of ``queryset`` in the region and in each child. The
    region's value is the sum of its children's: ``queryset`` must be cut to the region
    already (by ``field``), and a distinct count must count what lies in one region only."""
    children, length = children_of(region)
    by = grouped(queryset, field, length, n=aggregate if aggregate is not None else Count("pk"))
    values = {prefix: float(row["n"] or 0) for prefix, row in by.items()}
    return [Value(region, sum(values.values())),
            *(Value(child, values.get(child.code, 0.0)) for child in children)]


def shares(region: Region, children: list[Region], by: dict[str, tuple[int, int]], *,
           kind: str = "percent") -> list[Value]:
    """Values made of two counts per child prefix (numerator, denominator): the region's
    is the ratio of the summed counts, never the mean of its children's ratios."""
    of = percent if kind == "percent" else ratio
    top = sum(n for n, _d in by.values())
    bottom = sum(d for _n, d in by.values())
    rows = [Value(region, of(top, bottom), (top, bottom))]
    for child in children:
        n, d = by.get(child.code, (0, 0))
        rows.append(Value(child, of(n, d), (n, d)))
    return rows


def day_end(day: date) -> datetime:
    """The first moment after ``day`` (local time): datetimes before it fall on or before it."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def span(period: Period) -> tuple[datetime, datetime]:
    """The period as datetimes: from its first day's start (inclusive) to the moment after
    its last day (exclusive)."""
    return timezone.make_aware(datetime.combine(period.start, time.min)), day_end(period.end)


def is_current(period: Period, today: date | None = None) -> bool:
    """The period ends today or later: a stock is as things stand now."""
    return period.end >= (today or timezone.localdate())


# --- cards and pages: a figure with its target ------------------------------------------------

def scope_region(actor) -> Region | None:
    """The region a card counts: the user's one root region, or the province when the scope
    has several roots or is an organisation's (the scope then cuts every count to them)."""
    from linli.regions.selectors import region_roots

    access = access_for(actor)
    roots = region_roots(actor=access)
    if len(roots) == 1:
        return roots[0]
    if not (access.region_codes or access.organisation_ids):
        return None
    if "province_region" not in access.memo:
        access.memo["province_region"] = Region.objects.get(code=PROVINCE_CODE)
    return access.memo["province_region"]


# The figures whose targets the home page's cards show: the first card that asks for one
# reads them all, in one query.
HOME_TARGETS = ("station_coverage", "orgs_per_urban", "orgs_per_rural", "visit_rate")


def goal_of(actor, key: str, region: Region):
    """The target of figure ``key`` in ``region`` (None when it has none), read once a
    request with the other HOME_TARGETS."""
    from linli.reports.targets import goals_for

    memo = access_for(actor).memo.setdefault("goals", {})
    if (key, region.code) not in memo:
        keys = sorted({key, *HOME_TARGETS})
        found = goals_for(keys, [region.code])
        memo.update({(k, region.code): found.get((k, region.code)) for k in keys})
    return memo[key, region.code]


def target_shown(indicator: Indicator, goal) -> str:
    """The goal as a card or a page writes it — 「≥ 10」, a percentage with its sign — and ""
    without a goal."""
    if goal is None:
        return ""
    unit = "%" if indicator.kind == PERCENT else ""
    return f"{goal.sign} {goal.value:g}{unit}"


@dataclass
class Shown:
    """One region's figure on a page: its value as shown, its target and whether it meets
    it (None: no target, or no value to measure)."""

    value: Value
    shown: str
    goal: object | None  # reports.targets.Goal
    target: str  # target_shown: "" without a goal

    @property
    def met(self) -> bool | None:
        return self.goal.met_by(self.value.value) if self.goal is not None else None


def goals_at(key: str, codes: list[str]) -> dict[str, object]:
    """``{region code: its target of figure key}`` (one query; a region without one is left
    out): the target set for the region itself, or else for the nearest region above."""
    from linli.reports.targets import goals_for

    return {code: goal for (_key, code), goal in goals_for([key], codes).items()
            if goal is not None}


def with_goals(indicator: Indicator, values: list[Value]) -> list[Shown]:
    """Each value with the target set for its own region (one query for them all)."""
    goals = goals_at(indicator.key, [v.region.code for v in values])
    rows = []
    for value in values:
        goal = goals.get(value.region.code)
        rows.append(Shown(value, indicator.shown(value.value), goal, target_shown(indicator, goal)))
    return rows
