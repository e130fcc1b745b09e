"""Hand-entered figures (``ManualIndicator``) as indicators of the registry: their values
are added up over the region's subtree like any computed figure's."""

from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from linli.accounts.roles import Bureau, Domain
from linli.core.dashboard import Topic
from linli.core.indicators import COUNT, Indicator, Period, Value
from linli.regions.models import CODE_LENGTHS, Level, Region
from linli.reports.models import Aggregation, ManualIndicator, ManualValue

CACHE_KEY = "linli:manual-indicators"
BUREAU_TOPIC = {Bureau.CHARITY_SOCIAL_WORK: Topic.SOCIAL_WORK, Bureau.ELDERLY_SERVICES: Topic.CARE,
                Bureau.CHILD_WELFARE: Topic.CARE, Bureau.SOCIAL_ASSISTANCE: Topic.CARE,
                Bureau.SOCIAL_AFFAIRS: Topic.CARE}


def _sees_programs(access) -> bool:
    return access.sees_domain(Domain.PROGRAMS)


def values_by_region(definition: ManualIndicator, region: Region, period: Period,
                     length: int) -> dict[str, float]:
    """Sum of the entries of the region's subtree, grouped by the first ``length`` digits
    of their region: those within the period for a flow; for a stock, the latest entry of
    each entering region among the periods begun by the end of ours."""
    rows = ManualValue.objects.filter(indicator=definition, region_code__startswith=region.code)
    if definition.aggregation == Aggregation.SUM:
        rows = rows.filter(period_start__gte=period.start, period_end__lte=period.end)
    else:  # a stock: the entry of a period begun by the end of ours (a quarter in progress)
        rows = rows.filter(period_start__lte=period.end)
    latest: dict[str, tuple] = {}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for code, end, value in rows.order_by("period_end").values_list(
            "region_code", "period_end", "value"):
        if definition.aggregation == Aggregation.LATEST:
            latest[code] = (end, value)
        else:
            totals[code[:length]] += value
    for code, (_end, value) in latest.items():
        totals[code[:length]] += value
    return {code: float(total) for code, total in totals.items()}


def _computer(definition: ManualIndicator):
    def compute(actor, region: Region, period: Period) -> list[Value]:
        children = (list(region.children.order_by("code"))
                    if region.level < Level.VILLAGE else [])
        length = CODE_LENGTHS[region.level + 1] if children else len(region.code)
        by = values_by_region(definition, region, period, length)
        return [Value(region, sum(by.values())),
                *(Value(child, by.get(child.code, 0.0)) for child in children)]
    return compute


def as_indicator(definition: ManualIndicator) -> Indicator:
    return Indicator(
        definition.code, definition.label, BUREAU_TOPIC.get(definition.bureau, Topic.ORGANISATIONS),
        _computer(definition), available=_sees_programs, measure=definition.measure.number,
        kind=COUNT, unit=definition.unit, flow=definition.aggregation == Aggregation.SUM,
        note=definition.note, order=90)


def manual_indicators() -> list[Indicator]:
    definitions = cache.get(CACHE_KEY)
    if definitions is None:
        definitions = list(ManualIndicator.objects.filter(is_active=True)
                           .select_related("measure"))
        cache.set(CACHE_KEY, definitions, 300)
    return [as_indicator(d) for d in definitions]


def _forget(**_kwargs) -> None:
    cache.delete(CACHE_KEY)


post_save.connect(_forget, sender=ManualIndicator, dispatch_uid="manual-indicators-save")
post_delete.connect(_forget, sender=ManualIndicator, dispatch_uid="manual-indicators-delete")
