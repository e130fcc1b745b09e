"""The registry of figures that are measured per region (STYLE.md §11: every figure comes
from a registered indicator), read by the province choropleth and open to any page that
compares regions.

An app declares its figures in ``<app>/indicators.py`` (found by ``autodiscover_modules``,
like admin modules), each computed by the app's own selector: ``compute(actor, region)``
answers the region itself first, then each of its children, already scoped to the actor's
region and data domains (a figure of people counts only the people the actor may see).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

from linli.accounts.access import Access, access_for
from linli.core.dashboard import topics_for
from linli.regions.models import Region


@dataclass
class Value:
    """One region's figure: ``value`` is None when it has no denominator (shown 「—」);
    ``parts`` are the counts it is made of, in the order of ``Indicator.parts``."""

    region: Region
    value: float | None
    parts: tuple[int, ...] = ()


PERCENT, RATIO, COUNT = "percent", "ratio", "count"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str  # lazy text
    topic: str  # dashboard.Topic: a bureau's own figures come first
    compute: Callable[..., list[Value]]
    available: Callable[[Access], bool]
    kind: str = PERCENT  # PERCENT values are 0-100
    parts: tuple = ()  # labels of Value.parts
    target: float | None = None  # a value below it is short of the target
    personal: bool = False  # counts people: cut to the actor's data domains
    note: str = ""  # how it is measured, under the map
    order: int = 50  # place in the figure select (the care figures a county works by first)

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.kind == PERCENT:
            return f"{value:,.1f}%"
        if self.kind == RATIO:
            return f"{value:,.1f}"
        return f"{value:,.0f}"

    def below(self, value: float | None) -> bool:
        return value is not None and self.target is not None and value < self.target

    @property
    def target_shown(self) -> str:
        return "" if self.target is None else self.shown(self.target)


@dataclass
class _Registry:
    items: dict[str, Indicator] = field(default_factory=dict)
    discovered: bool = False


_registry = _Registry()


def register(indicator: Indicator) -> Indicator:
    _registry.items[indicator.key] = indicator
    return indicator


def registered() -> list[Indicator]:
    if not _registry.discovered:
        autodiscover_modules("indicators")
        _registry.discovered = True
    return list(_registry.items.values())


def available_to(actor) -> list[Indicator]:
    """The figures the actor's data domains allow, those of its bureau's topics first."""
    access = access_for(actor)
    topics = topics_for(access)
    usable = [i for i in registered() if i.available(access)]
    return sorted(usable, key=lambda i: (i.topic not in topics, i.order))


def percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 2) if denominator else None
