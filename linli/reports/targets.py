"""Targets are data: which target applies to an indicator in a region.

A target set for a region applies to it and everything below it; the one set nearest
the region (the longest code) wins, and among those the first deadline still ahead (or,
all past, the last one).
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from linli.reports.models import Direction, Target


@dataclass(frozen=True)
class Goal:
    value: float
    direction: str
    source: str
    deadline: date | None
    region_code: str

    def met_by(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.value if self.direction == Direction.AT_MOST else value >= self.value

    def short(self, value: float | None) -> bool:
        """The value falls short of the goal (a value of None is not short: nothing due)."""
        return self.met_by(value) is False

    @property
    def sign(self) -> str:
        return "≤" if self.direction == Direction.AT_MOST else "≥"


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]


def _pick(targets: list[Target], today: date) -> Target | None:
    if not targets:
        return None
    nearest = max(len(t.region_code) for t in targets)
    own = sorted((t for t in targets if len(t.region_code) == nearest),
                 key=lambda t: (t.deadline is None, t.deadline or date.max))
    ahead = [t for t in own if t.deadline is None or t.deadline >= today]
    return ahead[0] if ahead else own[-1]


def goals_for(indicators: list[str], codes: list[str]) -> dict[tuple[str, str], Goal]:
    """The goal of each (indicator, region code) pair that has one, in one query."""
    prefixes = sorted({p for code in codes for p in _prefixes(code)})
    rows = list(Target.objects.filter(indicator__in=indicators, region_code__in=prefixes,
                                      is_active=True))
    today = timezone.localdate()
    goals = {}
    for key in indicators:
        for code in codes:
            own = _prefixes(code)
            target = _pick([t for t in rows if t.indicator == key and t.region_code in own],
                           today)
            if target is not None:
                goals[key, code] = Goal(float(target.value), target.direction, target.source,
                                        target.deadline, target.region_code)
    return goals


def goal_for(indicator: str, code: str) -> Goal | None:
    return goals_for([indicator], [code]).get((indicator, code))
