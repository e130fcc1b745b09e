"""How many queries each registered figure takes (issue 12: "report the query count per
indicator"), for the benchmark and for the test that holds every figure to a bound.

Each figure computes a region and all its children from one or a few grouped queries,
whatever the number of children or rows; this counts them, each on a fresh copy of the
region (its children fetched as a page would fetch them).
"""

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.core.indicators import Period, Value, registered
from linli.regions.models import PROVINCE_CODE, Region


@dataclass
class Census:
    key: str
    queries: int
    values: list[Value]


def census(actor, *, code: str = PROVINCE_CODE, period: Period | None = None) -> list[Census]:
    """Every registered figure the actor may use, computed for the region ``code`` and
    its children over ``period`` (this month by default), with the queries it took."""
    from linli.accounts.access import access_for

    period = period or Period.this_month()
    access = access_for(actor)
    rows = []
    for indicator in registered():
        if not indicator.available(access):
            continue
        region = Region.objects.get(code=code)
        with CaptureQueriesContext(connection) as captured:
            values = indicator.compute(actor, region, period)
        rows.append(Census(indicator.key, len(captured), values))
    return rows


def query_counts(actor, *, code: str = PROVINCE_CODE,
                 period: Period | None = None) -> dict[str, int]:
    """``{indicator key: queries}`` for the benchmark's report."""
    return {row.key: row.queries for row in census(actor, code=code, period=period)}
