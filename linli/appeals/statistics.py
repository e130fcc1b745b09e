"""A region's appeals statistics for a period: per child region (raised, finished, closure
rate, satisfaction, overdue now), by category, channel and status, each step's count,
average days and on-time rate, and the referrals by assistance type and unit — a grouped
query each, over the appeals the actor may see, so a province's page costs what a
county's does."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.appeals.indicators import FINISHED
from linli.appeals.models import (
    OPEN_STATUSES,
    AppealEvent,
    AppealStatus,
    Channel,
    Referral,
    Satisfaction,
    Step,
)
from linli.appeals.selectors import appeals_visible
from linli.core.figures import children_of, grouped, span
from linli.core.indicators import Period, percent
from linli.people.selectors import visible
from linli.regions.models import Region

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.FAIR)


@dataclass
class Row:
    """One region's counts (the region itself, or one of its children)."""

    region: Region
    raised: int = 0
    finished: int = 0
    accepted: int = 0  # raised and not refused
    rated: int = 0
    satisfied: int = 0
    overdue: int = 0

    @property
    def closure_rate(self) -> float | None:
        return percent(self.finished, self.accepted)

    @property
    def satisfaction(self) -> float | None:
        return percent(self.satisfied, self.rated)


@dataclass
class StepFigure:
    step: str
    label: str
    ended: int
    on_time: int
    average_days: float | None

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.ended)


@dataclass
class Statistics:
    total: Row
    children: list[Row]
    categories: list[tuple[str, int]] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)
    statuses: list[tuple[str, int]] = field(default_factory=list)
    steps: list[StepFigure] = field(default_factory=list)
    referrals: list[tuple[str, str, int]] = field(default_factory=list)  # type, unit, count


def statistics(*, actor, region: Region, period: Period) -> Statistics:
    start, end = span(period)
    raised = appeals_visible(actor, within=region.code).filter(created_at__gte=start,
                                                               created_at__lt=end)
    children, length = children_of(region)
    by = grouped(raised, "region_code", length, raised=Count("pk"),
                 finished=Count("pk", filter=Q(status__in=FINISHED)),
                 accepted=Count("pk", filter=~Q(status=AppealStatus.REJECTED)),
                 rated=Count("pk", filter=~Q(satisfaction="")),
                 satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED)),
                 overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES,
                                              due_at__lt=timezone.now())))
    rows = [Row(child, **by.get(child.code, {})) for child in children]
    total = Row(region, **{key: sum(row[key] for row in by.values())
                           for key in ("raised", "finished", "accepted", "rated", "satisfied",
                                       "overdue")})
    # by category, channel and status: one grouped scan, summed three ways here
    categories, channels, statuses = Counter(), Counter(), Counter()
    for category, channel, status, n in (raised.values_list("category__name", "channel",
                                                           "status")
                                         .annotate(n=Count("pk")).order_by()):
        categories[category] += n
        channels[str(Channel(channel).label)] += n
        statuses[str(AppealStatus(status).label)] += n
    return Statistics(
        total=total, children=rows, categories=_most(categories), channels=_most(channels),
        statuses=_most(statuses), steps=_steps(actor, region, start, end),
        referrals=_referrals(actor, region, start, end))


def _most(counted: Counter) -> list[tuple[str, int]]:
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def _referrals(actor, region: Region, start, end) -> list[tuple[str, str, int]]:
    rows = (Referral.objects.filter(appeal__in=appeals_visible(actor, within=region.code),
                                    referred_at__gte=start, referred_at__lt=end)
            .values_list("assistance__name", "to_force__name", "to_region__name")
            .annotate(n=Count("pk")).order_by("-n", "assistance__name"))
    return [(kind, force or _("%(r)s民政部门") % {"r": office}, n)
            for kind, force, office, n in rows]


def _steps(actor, region: Region, start, end) -> list[StepFigure]:
    """The steps that ended in the period: how many, how many in time, their average days."""
    events = visible(AppealEvent.objects.exclude(step=""), actor, "appeal__", within=region.code,
                     also_organisation="appeal__handling_organisation_id")
    found = {row["step"]: row for row in events.filter(at__gte=start, at__lt=end)
             .values("step").annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)),
                                      seconds=Avg("step_seconds")).order_by()}
    return [StepFigure(step, str(label), found.get(step, {}).get("n", 0),
                       found.get(step, {}).get("on_time", 0),
                       round(found[step]["seconds"] / 86400, 1) if step in found else None)
            for step, label in Step.choices]
