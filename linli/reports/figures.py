"""Reads of the measures page, its export and the API: the figures of each measure for a
region and a period, and the targets and hand-entered values the actor may see.

Every figure comes from the indicator registry (``linli.core.indicators``). One
``compute`` answers the region and each region below it, so a figure and its ranking cost
one computation; the period before costs a second, and a 12-month trend twelve more.

At province scale one computation of every registered figure takes seconds (about a
hundred figures, the people's at ~0.1 s each), so the page loads each measure's figures,
and then its trends, on their own when scrolled to; and a closed period's values (the
period before, the trend's earlier months) are kept in the cache for a while
(``CLOSED_SECONDS``), per user: they change only when something is entered late. Entering
a value by hand starts the cache afresh (``figures_changed``).
"""

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.access import access_for
from linli.accounts.roles import Domain
from linli.core import indicators as registry
from linli.core.errors import NotFound
from linli.core.indicators import Indicator, Period, Value
from linli.regions.models import CODE_LENGTHS, Level, Region
from linli.reports.models import Direction, ManualIndicator, ManualValue, Measure, Target
from linli.reports.targets import Goal, goals_for

# --- periods ----------------------------------------------------------------------------

MONTH, QUARTER, YEAR, LAST_YEAR, RANGE = "month", "quarter", "year", "last_year", "range"
PERIOD_KINDS = {MONTH: gettext_lazy("本月"), QUARTER: gettext_lazy("本季度"),
                YEAR: gettext_lazy("本年"), LAST_YEAR: gettext_lazy("上年"),
                RANGE: gettext_lazy("自定义起止")}
TREND_MONTHS = 12
DRILL_DEEPEST = Level.TOWNSHIP  # the page drills province → prefecture → county → township


def quarter_of(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(date(year, first, 1),
                  date(year, first + 2, calendar.monthrange(year, first + 2)[1]))


def year_of(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))


def period_for(kind: str, *, start: date | None = None, end: date | None = None,
               today: date | None = None) -> Period:
    """The period a choice names (``RANGE`` takes ``start`` and ``end``, already checked)."""
    today = today or timezone.localdate()
    if kind == QUARTER:
        return quarter_of(today.year, (today.month - 1) // 3 + 1)
    if kind == YEAR:
        return year_of(today.year)
    if kind == LAST_YEAR:
        return year_of(today.year - 1)
    if kind == RANGE and start and end:
        return Period(start, end)
    return Period.this_month(today)


def calendar_kind(period: Period) -> str | None:
    """MONTH, QUARTER or YEAR when the period is exactly one of them, else None."""
    start, end = period.start, period.end
    if start.day != 1 or end != Period.month(end.year, end.month).end or start.year != end.year:
        return None
    months = end.month - start.month + 1
    if months == 1:
        return MONTH
    if months == 3 and start.month % 3 == 1:
        return QUARTER
    if months == 12:
        return YEAR
    return None


def trend_periods(period: Period, today: date | None = None) -> list[Period]:
    """The twelve calendar months ending with the period's last month (or this month when
    the period runs on past it), each whole, like the page's own 本月."""
    today = today or timezone.localdate()
    last = min(period.end, Period.this_month(today).end)
    return [Period.month(m.start.year, m.start.month)
            for m in Period(last, last).months_back(TREND_MONTHS)]


# --- figures ----------------------------------------------------------------------------

@dataclass
class Ranked:
    """One region below: its value, and whether it falls short of its own goal."""

    indicator: Indicator
    value: Value
    goal: Goal | None
    drill: bool  # the page may drill down into it

    @property
    def region(self) -> Region:
        return self.value.region

    @property
    def shown(self) -> str:
        return self.indicator.shown(self.value.value)

    @property
    def goal_shown(self) -> str:
        return goal_text(self.indicator, self.goal)

    @property
    def short(self) -> bool:
        return self.goal is not None and self.goal.short(self.value.value)


@dataclass
class Figure:
    indicator: Indicator
    value: Value
    goal: Goal | None = None
    previous: Value | None = None
    ranking: list[Ranked] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        return self.goal.met_by(self.value.value) if self.goal else None

    @property
    def shown(self) -> str:
        return self.indicator.shown(self.value.value)

    @property
    def previous_shown(self) -> str:
        return self.indicator.shown(self.previous.value) if self.previous else "—"

    @property
    def goal_shown(self) -> str:
        return goal_text(self.indicator, self.goal)


def goal_of(target: Target) -> Goal:
    return Goal(float(target.value), target.direction, target.source, target.deadline,
                target.region_code)


def goal_text(indicator: Indicator, goal: Goal | None) -> str:
    return f"{goal.sign} {indicator.shown(goal.value)}" if goal else ""


@dataclass
class MeasureFigures:
    measure: Measure
    figures: list[Figure]


def measures_active() -> list[Measure]:
    return list(Measure.objects.filter(is_active=True))


def measure_get(*, number: int, active_only: bool = True) -> Measure:
    found = Measure.objects.filter(number=number)
    found = found.filter(is_active=True) if active_only else found
    measure = found.first()
    if measure is None:
        raise NotFound()
    return measure


def indicators_by_measure(actor) -> dict[int, list[Indicator]]:
    """``available_to(actor)`` once, grouped by measure (its order kept in each group)."""
    grouped: dict[int, list[Indicator]] = {}
    for indicator in registry.available_to(actor):
        grouped.setdefault(indicator.measure, []).append(indicator)
    return grouped


def _sorted(ranking: list[Ranked], indicator: Indicator, goal: Goal | None) -> list[Ranked]:
    """Best first (highest, or lowest for an at-most goal); no value last."""
    low_first = goal is not None and goal.direction == Direction.AT_MOST
    return sorted(ranking, key=lambda r: (
        r.value.value is None, (r.value.value or 0) if low_first else -(r.value.value or 0),
        r.region.code))


def figure_of(indicator: Indicator, values: list[Value], goals: dict,
              previous: Value | None = None) -> Figure:
    own, children = values[0], values[1:]
    goal = goals.get((indicator.key, own.region.code))
    ranking = [Ranked(indicator, v, goals.get((indicator.key, v.region.code)),
                      v.region.level <= DRILL_DEEPEST) for v in children]
    return Figure(indicator, own, goal, previous, _sorted(ranking, indicator, goal))


CLOSED_SECONDS = 600
VERSION_KEY = "linli:figures:version"


def _closed_seconds() -> int:
    return getattr(settings, "LINLI_FIGURES_CACHE_SECONDS", CLOSED_SECONDS)


def figures_changed() -> None:
    """Something the cached figures count was entered: a new version of the cache, now
    and again when the transaction commits (a request between the two may have cached
    the figures as they stood before)."""
    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, None)
    bump()
    transaction.on_commit(bump)


def _cache_key(access, indicators: list[Indicator], region: Region,
               periods: list[Period]) -> str:
    if "figures_version" not in access.memo:
        access.memo["figures_version"] = cache.get(VERSION_KEY, 0)
    what = repr((access.user_id, access.region_codes, sorted(access.domains),
                 sorted(access.organisation_ids), [i.key for i in indicators], region.code,
                 [(p.start, p.end) for p in periods]))
    digest = hashlib.sha256(what.encode()).hexdigest()[:32]
    return f"linli:figures:{access.memo['figures_version']}:{digest}"


def compute(actor, indicator: Indicator, region: Region, period: Period) -> list[Value]:
    return indicator.compute(actor, region, period) or [Value(region, None)]


def computed(actor, indicators: list[Indicator], region: Region,
             periods: list[Period]) -> dict[tuple[str, Period], list[Value]]:
    """Each indicator's values for each period; those of the closed periods, all together,
    kept in one cache entry (a measure's trends: one entry, not a few hundred)."""
    seconds = _closed_seconds()
    today = timezone.localdate()
    closed = [p for p in periods if p.end < today] if seconds else []
    values: dict = {}
    if closed and indicators:
        key = _cache_key(access_for(actor), indicators, region, closed)
        values = cache.get(key)
        if values is None:
            values = {(i.key, p): compute(actor, i, region, p)
                      for i in indicators for p in closed}
            cache.set(key, values, seconds)
    return {(i.key, p): values[i.key, p] if (i.key, p) in values
            else compute(actor, i, region, p) for i in indicators for p in periods}


def _codes(region: Region) -> list[str]:
    return [region.code, *region.children.values_list("code", flat=True)] if (
        region.level < Level.VILLAGE) else [region.code]


def measure_figures(*, actor, region: Region, period: Period, previous: bool = True,
                    number: int | None = None) -> list[MeasureFigures]:
    """Each active measure (or the one numbered) with its indicators for the region: one
    computation each (two with the period before), the goals of the region and of those
    below in one query."""
    grouped = indicators_by_measure(actor)
    measures = [m for m in measures_active() if number is None or m.number == number]
    shown = [i for m in measures for i in grouped.get(m.number, [])]
    goals = goals_for([i.key for i in shown], _codes(region)) if shown else {}
    before = period.previous()
    priors = computed(actor, shown, region, [before]) if previous else {}
    blocks = []
    for measure in measures:
        blocks.append(MeasureFigures(measure, [
            figure_of(i, compute(actor, i, region, period), goals,
                      priors[i.key, before][0] if previous else None)
            for i in grouped.get(measure.number, [])]))
    return blocks


def indicator_get(*, actor, key: str) -> Indicator:
    """An indicator the actor's domains allow; any other key answers 404."""
    found = next((i for i in registry.available_to(actor) if i.key == key), None)
    if found is None:
        raise NotFound()
    return found


def indicator_figure(*, actor, indicator: Indicator, region: Region, period: Period) -> Figure:
    goals = goals_for([indicator.key], _codes(region))
    before = period.previous()
    prior = computed(actor, [indicator], region, [before])[indicator.key, before][0]
    return figure_of(indicator, compute(actor, indicator, region, period), goals, prior)


def trends(*, actor, indicators: list[Indicator], region: Region,
           period: Period) -> dict[str, list[tuple[Period, Value]]]:
    """The region's value in each of the twelve months, per indicator."""
    months = trend_periods(period)
    values = computed(actor, indicators, region, months)
    return {i.key: [(m, values[i.key, m][0]) for m in months] for i in indicators}


def trend_chart(indicator: Indicator, points: list[tuple[Period, Value]],
                goal: Goal | None) -> dict:
    """An ECharts line (linli/measures.js draws it), the goal as a labelled line."""
    series = {"name": str(indicator.label), "type": "line", "connectNulls": False,
              "data": [v.value for _m, v in points]}
    if goal is not None:
        series["markLine"] = {
            "silent": True, "symbol": "none", "lineStyle": {"color": "#dc3545"},
            "label": {"formatter": _("目标 %(g)s") % {"g": goal_text(indicator, goal)}},
            "data": [{"yAxis": goal.value}]}
    axis = {"type": "value"}
    if indicator.kind == registry.PERCENT:
        axis.update({"max": 100, "axisLabel": {"formatter": "{value}%"}})
    return {"tooltip": {"trigger": "axis"}, "grid": {"left": 45, "right": 70, "bottom": 30},
            "xAxis": {"type": "category", "data": [f"{m.start:%Y-%m}" for m, _v in points]},
            "yAxis": axis, "series": [series]}


# --- regions ----------------------------------------------------------------------------

def region_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _applying_q(access) -> Q:
    """Targets set inside the scope, or above it (they apply to it)."""
    query = access.region_q()
    above = {code[:n] for code in access.region_codes for n in CODE_LENGTHS.values()
             if n < len(code)}
    return query | Q(region_code__in=sorted(above)) if above else query


# --- targets ----------------------------------------------------------------------------

def targets_visible(*, actor, active_only: bool = True) -> QuerySet[Target]:
    """The targets that apply to the actor's regions, of the indicators it may see."""
    access = access_for(actor)
    keys = [i.key for i in registry.available_to(access)]
    if not access.region_codes or not keys:
        return Target.objects.none()
    rows = Target.objects.filter(_applying_q(access), indicator__in=keys)
    rows = rows.filter(is_active=True) if active_only else rows
    return rows.select_related("created_by").order_by("indicator", "region_code", "deadline")


def target_get(*, actor, pk: int) -> Target:
    found = targets_visible(actor=actor, active_only=False).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# --- hand-entered figures ---------------------------------------------------------------

def sees_manual(actor) -> bool:
    access = access_for(actor)
    return bool(access.region_codes) and access.sees_domain(Domain.PROGRAMS)


def manual_indicators(*, actor, active_only: bool = False) -> QuerySet[ManualIndicator]:
    if not sees_manual(actor):
        return ManualIndicator.objects.none()
    rows = ManualIndicator.objects.select_related("measure")
    return rows.filter(is_active=True) if active_only else rows


def manual_indicator_get(*, actor, pk: int) -> ManualIndicator:
    found = manual_indicators(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def manual_values(*, actor, indicator: ManualIndicator | None = None) -> QuerySet[ManualValue]:
    """The values entered for regions inside the actor's scope."""
    if not sees_manual(actor):
        return ManualValue.objects.none()
    rows = access_for(actor).filter(ManualValue.objects.all())
    rows = rows.filter(indicator=indicator) if indicator is not None else rows
    return rows.select_related("indicator__measure", "region", "entered_by")


def manual_value_get(*, actor, pk: int) -> ManualValue:
    found = manual_values(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def history_of(record, limit: int = 50) -> list:
    """Who changed a target, a measure or a value, and when (newest first)."""
    return list(record.history.select_related("history_user").order_by("-history_date")[:limit])
