"""The one registry of figures (DESIGN §4 "Indicators", STYLE.md §11): the dashboard cards,
the province choropleth, the measures page, the API and the summary reports all read
their numbers from here, so a number means the same thing everywhere.

An app declares its figures in ``<app>/indicators.py`` (found by ``autodiscover_modules``,
like admin modules), each computed by the app's own scoped selectors:
``compute(actor, region, period)`` answers the region itself first, then each of its
children, already cut to the actor's region and data domains (a figure of people counts
only the people the actor may see). A stock (``flow=False``) is counted as it stood at
the end of the period; a flow counts what happened within it.

Targets are data (``linli.reports.targets``), never a constant here. Figures entered by
hand (``reports.ManualIndicator``) join the registry as indicators of their own.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from linli.accounts.access import Access, access_for
from linli.core.dashboard import topics_for
from linli.regions.models import Region


@dataclass(frozen=True)
class Period:
    """Dates ``start`` to ``end``, both inclusive (as people write a period)."""

    start: date
    end: date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def this_month(cls, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls.month(today.year, today.month)

    @classmethod
    def year_to_date(cls, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(date(today.year, 1, 1), today)

    @classmethod
    def quarter_before(cls, today: date | None = None) -> "Period":
        """The last whole calendar quarter before today's."""
        today = today or timezone.localdate()
        first = _months_back(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3)
        return cls(first, cls.month(*_months_ahead(first, 2)).end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before; a whole month's is the month before."""
        if self.start.day == 1 and self.end == Period.month(self.end.year, self.end.month).end:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            before = self.start - timedelta(days=1)
            first = _months_back(before, months - 1)
            return Period(date(first.year, first.month, 1), before)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def months_back(self, count: int) -> list["Period"]:
        """The ``count`` calendar months ending with the one of ``end``, oldest first; the
        last one ends at ``end`` (a month in progress is counted to date)."""
        firsts = [_months_back(self.end, back) for back in range(count - 1, -1, -1)]
        periods = [Period.month(f.year, f.month) for f in firsts]
        periods[-1] = Period(periods[-1].start, self.end)
        return periods

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


def _months_ahead(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Value:
    """One region's figure: ``value`` is None when it has no denominator (shown 「—」);
    ``parts`` are the counts it is made of, in the order of ``Indicator.parts``."""

    region: Region
    value: float | None
    parts: tuple[int, ...] = ()


PERCENT, RATIO, COUNT = "percent", "ratio", "count"
UNITS = {PERCENT: "%", RATIO: "", COUNT: ""}


@dataclass(frozen=True)
class Indicator:
    key: str  # the code targets, reports and the API name it by
    label: str  # lazy text
    topic: str  # dashboard.Topic: a bureau's own figures come first
    compute: Callable[..., list[Value]]  # (actor, region, period) -> [region, *children]
    available: Callable[[Access], bool]
    measure: int = 0  # the notice's measure (1-10) it shows the progress of
    kind: str = PERCENT  # PERCENT values are 0-100
    unit: str = ""  # 个, 人, 次 … (a percentage's unit is %)
    parts: tuple = ()  # labels of Value.parts
    flow: bool = False  # counts what happened in the period; else as it stood at its end
    personal: bool = False  # counts people: cut to the actor's data domains
    note: str = ""  # how it is measured
    order: int = 50  # place in the figure select (the care figures a county works by first)
    summable: bool = True  # a higher level's value is the sum of its parts (or of parts' ratio)
    breakdown: bool = False  # a part of a headline figure (one kind, one sub-group): a
    # summary report's annex has it only when the round asks for it

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.kind == PERCENT:
            return f"{value:,.1f}%"
        if self.kind == RATIO:
            return f"{value:,.1f}"
        return f"{value:,.0f}"

    @property
    def unit_shown(self) -> str:
        return "%" if self.kind == PERCENT else str(self.unit)

    def at(self, actor, region: Region, period: Period | None = None) -> Value:
        """The region's own value (the first of ``compute``)."""
        return self.compute(actor, region, period or Period.this_month())[0]

    def combine(self, parts: list[tuple[int, ...]]) -> tuple[float | None, tuple[int, ...]]:
        """The value of regions taken together, from their parts (a percentage is the
        ratio of the summed counts, never the mean of percentages)."""
        if not parts:
            return None, ()
        summed = tuple(sum(p[i] for p in parts) for i in range(len(parts[0])))
        if self.kind == PERCENT and len(summed) == 2:
            return percent(*summed), summed
        if self.kind == RATIO and len(summed) == 2:
            return ratio(*summed), summed
        return (float(summed[0]) if summed else None), summed


@dataclass
class _Registry:
    items: dict[str, Indicator] = field(default_factory=dict)
    discovered: bool = False
    providers: list[Callable[[], list[Indicator]]] = field(default_factory=list)
    primers: list[Callable] = field(default_factory=list)


_registry = _Registry()


def register(indicator: Indicator) -> Indicator:
    _registry.items[indicator.key] = indicator
    return indicator


def register_provider(provider: Callable[[], list[Indicator]]) -> None:
    """Indicators defined as data (hand-entered figures): asked for on every read."""
    if provider not in _registry.providers:
        _registry.providers.append(provider)


def register_primer(primer: Callable) -> None:
    """``primer(actor, region, period, indicators)`` reads at once what many of
    ``indicators`` will ask for (one query for all the people groups), into the request's
    memo; a caller about to compute many figures (a report's annex) calls ``prime``."""
    if primer not in _registry.primers:
        _registry.primers.append(primer)


def prime(actor, region: Region, period: "Period", indicators: list[Indicator]) -> None:
    registered()  # the apps' modules, and so their primers, are loaded
    for primer in _registry.primers:
        primer(actor, region, period, indicators)


def registered() -> list[Indicator]:
    if not _registry.discovered:
        autodiscover_modules("indicators")
        _registry.discovered = True
    provided = [i for provider in _registry.providers for i in provider()]
    return [*_registry.items.values(), *provided]


def get(key: str) -> Indicator | None:
    return next((i for i in registered() if i.key == key), None)


def available_to(actor, *, measure: int | None = None) -> list[Indicator]:
    """The figures the actor's data domains allow, those of its bureau's topics first."""
    access = access_for(actor)
    topics = topics_for(access)
    usable = [i for i in registered() if i.available(access)
              and (measure is None or i.measure == measure)]
    return sorted(usable, key=lambda i: (i.topic not in topics, i.order))


def percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 2) if denominator else None
