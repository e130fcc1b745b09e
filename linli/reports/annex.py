"""A report's annex: the round's indicators for the reporting unit and its period, with the
target and the previous period beside each — computed live while the report is a draft,
frozen (``FrozenValue``) from its submission on, so later data never alter it.

The figures are computed as the unit sees them, not as the person drafting: a 民政局's
annex covers its whole region in every domain, a bureau's the province in the bureau's own
domains (``unit_access``).
"""

from dataclasses import dataclass

from django.db import transaction

from linli.accounts.access import Access
from linli.accounts.roles import ALL_DOMAINS, BUREAU_DOMAINS, Perm
from linli.core import indicators as registry
from linli.core.indicators import COUNT, PERCENT, RATIO, Indicator, Period, percent, ratio
from linli.regions.models import Region
from linli.reports.models import FrozenValue, Measure, Report
from linli.reports.targets import goals_for


@dataclass
class AnnexRow:
    indicator: str
    label: str
    unit: str
    kind: str
    measure: int | None
    region: Region
    value: float | None
    parts: tuple = ()
    previous: float | None = None
    target: float | None = None
    direction: str = ""
    source: str = ""
    own: bool = True  # the unit's own figure (else one region below it)

    def _shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.kind == PERCENT:
            return f"{value:,.1f}%"
        if self.kind == RATIO:
            return f"{value:,.2f}"
        return f"{value:,.0f}"

    @property
    def shown(self) -> str:
        return self._shown(self.value)

    @property
    def previous_shown(self) -> str:
        return self._shown(self.previous)

    @property
    def target_shown(self) -> str:
        if self.target is None:
            return ""
        return ("≤ " if self.direction == "at_most" else "≥ ") + self._shown(self.target)

    @property
    def short(self) -> bool:
        if self.value is None or self.target is None:
            return False
        return self.value > self.target if self.direction == "at_most" else (
            self.value < self.target)


def period_of(report: Report) -> Period:
    return Period(report.round.period_start, report.round.period_end)


def unit_access(report: Report) -> Access:
    domains = BUREAU_DOMAINS.get(report.bureau, frozenset()) if report.bureau else ALL_DOMAINS
    return Access(user_id=None, region_codes=(report.region_code,), domains=domains,
                  permissions=frozenset({Perm.VIEW}))


def indicators_of(report: Report) -> list[Indicator]:
    """The round's indicators that the unit answers for: all of them for a 民政局 (各地民政局
    answer for every measure), a bureau's those of the measures naming it and its domains."""
    access = unit_access(report)
    wanted = [i for code in report.round.indicators if (i := registry.get(code)) is not None
              and i.available(access)]
    if not report.bureau:
        return wanted
    own = {m.number for m in Measure.objects.filter(is_active=True) if report.bureau in m.bureaus}
    return [i for i in wanted if i.measure in own]


def live_rows(report: Report, *, children: bool = True) -> list[AnnexRow]:
    access, period = unit_access(report), period_of(report)
    previous = period.previous()
    found = indicators_of(report)
    for each in (period, previous):
        registry.prime(access, report.region, each, found)
    rows: list[AnnexRow] = []
    for indicator in found:
        own, *below = indicator.compute(access, report.region, period)
        before = indicator.compute(access, report.region, previous)[0]
        rows.append(_row(indicator, own, before.value, True))
        if children:
            rows.extend(_row(indicator, value, None, False) for value in below)
    goals = goals_for([i.key for i in found], sorted({r.region.code for r in rows}))
    for row in rows:
        goal = goals.get((row.indicator, row.region.code))
        # A count's target set higher up is that region's total (8 demonstration sites in
        # the province), not each prefecture's: it applies only where it was set. A
        # percentage or ratio applies below as it stands (70 % coverage everywhere).
        if goal is not None and (row.kind != COUNT or goal.region_code == row.region.code):
            row.target, row.direction, row.source = goal.value, goal.direction, goal.source
    return rows


def _row(indicator: Indicator, value, previous, own: bool) -> AnnexRow:
    return AnnexRow(indicator.key, str(indicator.label), indicator.unit_shown, indicator.kind,
                    indicator.measure or None, value.region, value.value, tuple(value.parts),
                    previous, own=own)


def frozen_rows(report: Report) -> list[AnnexRow]:
    return [AnnexRow(f.indicator, f.label, f.unit, f.kind, f.measure, f.region, f.value,
                     tuple(f.parts), f.previous, f.target, f.target_direction, f.target_source,
                     own=f.region_id == report.region_id)
            for f in report.frozen.select_related("region").order_by("order", "region__code")]


def rows_for(report: Report, *, children: bool = True) -> list[AnnexRow]:
    """The frozen figures once the report has them, else the live ones."""
    frozen = frozen_rows(report)
    if frozen:
        return frozen if children else [r for r in frozen if r.own]
    return live_rows(report, children=children)


@transaction.atomic
def freeze(report: Report) -> int:
    """Store the figures as they stand now (on submission); answers how many were stored."""
    rows = live_rows(report)
    report.frozen.all().delete()
    FrozenValue.objects.bulk_create([
        FrozenValue(report=report, indicator=r.indicator, label=r.label[:80], unit=r.unit,
                    kind=r.kind, measure=r.measure, region=r.region, value=r.value,
                    parts=list(r.parts), previous=r.previous, target=r.target,
                    target_direction=r.direction, target_source=r.source[:200], order=index)
        for index, r in enumerate(rows)])
    return len(rows)


def thaw(report: Report) -> None:
    """A returned report is a draft again: its figures are live until it is resubmitted."""
    report.frozen.all().delete()


def combine(rows: list[AnnexRow]) -> tuple[float | None, tuple]:
    """Units' frozen figures of one indicator taken together (the province annex): counts
    add up; a percentage or ratio is recomputed from its summed parts."""
    if not rows:
        return None, ()
    kind = rows[0].kind
    if kind in (PERCENT, RATIO) and all(len(r.parts) == 2 for r in rows):
        top, bottom = (sum(r.parts[i] for r in rows) for i in (0, 1))
        return (percent(top, bottom) if kind == PERCENT else ratio(top, bottom)), (top, bottom)
    if kind == COUNT:
        values = [r.value for r in rows if r.value is not None]
        return (float(sum(values)) if values else None), ()
    return None, ()
