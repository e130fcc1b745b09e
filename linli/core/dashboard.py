"""The home page: the user's to-do first, then the indicator cards of their work.

Each app registers its to-do items and cards in AppConfig.ready. A card names its topic;
a provincial bureau sees the topics it leads on (养老服务处 care figures, not organisation
density), every other role all of them — a card still shows only what the user may see.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.access import Access
from linli.accounts.roles import Bureau, Role
from linli.core.notifications import unread_badge


@dataclass
class Card:
    title: str
    value: str = ""
    unit: str = ""
    note: str = ""
    url: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)
    chart: dict | None = None  # an ECharts option, rendered full width
    target: str = ""  # the target set for the region, as figures.target_shown writes it
    below: bool = False  # the value falls short of the target: shown in the warning colour


@dataclass
class Todo:
    """Work waiting for the user: how many, and the list that shows them."""

    label: str
    count: int
    url: str
    urgent: bool = False

    @property
    def shown(self) -> str:
        return f"{self.count:,}"


class Topic(models.TextChoices):
    REGIONS = "regions", gettext_lazy("辖区")  # every home page has these
    CARE = "care", gettext_lazy("关爱服务")  # people, visits, services — cut to the user's domains
    ORGANISATIONS = "organisations", gettext_lazy("社会组织")
    SOCIAL_WORK = "social_work", gettext_lazy("社会工作")


# What each provincial bureau's home page shows. Its data domains are wider than its
# figures: 养老服务处 sees organisations serving the elderly, but measures care.
BUREAU_TOPICS: dict[str, frozenset[str]] = {
    Bureau.SOCIAL_ORGANIZATIONS: frozenset({Topic.ORGANISATIONS}),
    Bureau.ELDERLY_SERVICES: frozenset({Topic.CARE}),
    Bureau.CHILD_WELFARE: frozenset({Topic.CARE}),
    Bureau.SOCIAL_ASSISTANCE: frozenset({Topic.CARE}),
    Bureau.SOCIAL_AFFAIRS: frozenset({Topic.CARE}),
    Bureau.GRASSROOTS_GOVERNANCE: frozenset({Topic.ORGANISATIONS}),
    Bureau.CHARITY_SOCIAL_WORK: frozenset({Topic.SOCIAL_WORK, Topic.ORGANISATIONS}),
}

CardFunc = Callable[[Access], Card | None]
TodoFunc = Callable[[Access], Todo | None]
_cards: list[tuple[int, CardFunc, str]] = []
_todos: list[tuple[int, TodoFunc]] = []


def register(func: CardFunc, *, order: int = 50, topic: str = Topic.REGIONS) -> None:
    if func not in [f for _o, f, _t in _cards]:
        _cards.append((order, func, topic))
        _cards.sort(key=lambda item: item[0])


def register_todo(func: TodoFunc, *, order: int = 50) -> None:
    if func not in [f for _o, f in _todos]:
        _todos.append((order, func))
        _todos.sort(key=lambda item: item[0])


def topics_for(access: Access) -> frozenset[str]:
    """The union over the user's memberships; any role but a province bureau's sees all."""
    topics = {Topic.REGIONS}
    for membership in access.memberships:
        if membership.role == Role.PROVINCE_BUREAU and membership.bureau in BUREAU_TOPICS:
            topics |= BUREAU_TOPICS[membership.bureau]
        else:
            return frozenset(Topic)
    return frozenset(topics)


def cards_for(access: Access) -> list[Card]:
    topics = topics_for(access)
    cards = (func(access) for _o, func, topic in _cards if topic in topics)
    return [card for card in cards if card is not None]


def notifications_todo(access: Access) -> Todo | None:
    unread = unread_badge(access)
    return Todo(_("未读通知"), unread, reverse("core:notifications")) if unread else None


def todos_for(access: Access) -> list[Todo]:
    """The items with work in them, the user's unread notifications first."""
    items = [notifications_todo(access), *(func(access) for _o, func in _todos)]
    return [item for item in items if item is not None and item.count > 0]
