"""Indicator cards of the home dashboard: each app registers its own in AppConfig.ready."""

from collections.abc import Callable
from dataclasses import dataclass, field

from linli.accounts.access import Access


@dataclass
class Card:
    title: str
    value: str = ""
    unit: str = ""
    note: str = ""
    url: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)
    chart: dict | None = None  # an ECharts option, rendered full width
    target: str = ""  # e.g. "≥ 70 %"


CardFunc = Callable[[Access], Card | None]
_cards: list[tuple[int, CardFunc]] = []


def register(func: CardFunc, *, order: int = 50) -> None:
    if func not in [f for _, f in _cards]:
        _cards.append((order, func))
        _cards.sort(key=lambda item: item[0])


def cards_for(access: Access) -> list[Card]:
    cards = (func(access) for _, func in _cards)
    return [card for card in cards if card is not None]
