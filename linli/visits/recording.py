"""The statements behind recording one visit, written out once.

Recording is the platform's hottest write (at province scale, hundreds of visits a second
from phones). Built by the ORM on every call, its three statements cost about five times
their own execution in Python (bench/visits.py); written out here, they cost their
execution. Values still pass through each field's own preparation, so both databases get
them in their own form, and `INSERT … ON CONFLICT DO NOTHING` (PostgreSQL and SQLite
alike) makes the client-generated id the exactly-once check without an exception path.
"""

from datetime import date
from decimal import Decimal

from django.db import connection

from linli.orgs.models import Volunteer
from linli.visits.models import Schedule, Visit

_VISIT_FIELDS = [f for f in Visit._meta.concrete_fields]
_q = connection.ops.quote_name


def _insert_sql() -> str:
    columns = ", ".join(_q(f.column) for f in _VISIT_FIELDS)
    placeholders = ", ".join(["%s"] * len(_VISIT_FIELDS))
    return (f"INSERT INTO {_q(Visit._meta.db_table)} ({columns}) "  # noqa: S608 (model names)
            f"VALUES ({placeholders}) ON CONFLICT ({_q(Visit._meta.pk.column)}) DO NOTHING")


INSERT_VISIT = _insert_sql()
# the schedule moves on from the latest visit only (a late-synced older one leaves it);
# the row lock of the one UPDATE orders concurrent visits to the same person
_NEXT_DUE = {"postgresql": "CAST(%s AS date) + interval_days",
             "sqlite": "date(%s, '+' || interval_days || ' days')"}
MOVE_SCHEDULE = (f"UPDATE {_q(Schedule._meta.db_table)} SET last_visit_on = %s, "  # noqa: S608
                 f"next_due = {_NEXT_DUE[connection.vendor]} WHERE person_id = %s "
                 "AND (last_visit_on IS NULL OR last_visit_on <= %s)")
ADD_HOURS = (f"UPDATE {_q(Volunteer._meta.db_table)} "  # noqa: S608 (model names only)
             "SET service_hours = service_hours + %s WHERE user_id = %s")


def visit_insert(visit: Visit) -> bool:
    """Insert the visit unless its id is already taken; True when it was inserted."""
    params = [f.get_db_prep_save(f.pre_save(visit, add=True), connection)
              for f in _VISIT_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(INSERT_VISIT, params)
        return cursor.rowcount == 1


def schedule_move(*, person_id: int, day: date) -> None:
    day_value = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(MOVE_SCHEDULE, [day_value, day_value, person_id, day_value])


def hours_add(*, user_id: int, minutes: int) -> None:
    """The visitor's volunteer profile, if they have one, earns the time."""
    hours = connection.ops.adapt_decimalfield_value(Decimal(minutes) / Decimal(60))
    with connection.cursor() as cursor:
        cursor.execute(ADD_HOURS, [hours, user_id])
