"""Rows written in bulk, for a roster import: a 100,000-row roster must not cost a Django
model instance, a per-field ``get_db_prep_save`` and a parameterised INSERT per value.

On PostgreSQL the new primary keys are taken from the table's sequence first (so the rows
that point at them — memberships, contacts — can be written in the same pass) and the rows
go in by COPY; elsewhere (SQLite, for development and the tests) through ``bulk_create``.
History (django-simple-history) is written for each row either way, as
``bulk_create_with_history`` writes it: one historical row of type "+" per created row,
with the acting user and the reason."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from psycopg import sql
from simple_history.utils import bulk_create_with_history


@dataclass(frozen=True)
class History:
    user: object  # the acting user, as history_user
    reason: str = ""


def insert(model: type[models.Model], rows: Sequence[dict], *,
           history: History | None = None) -> list[int]:
    """Create ``rows`` ({field attname: value}; a field left out takes its default) and
    return their primary keys, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        if history is not None and _history_on():
            bulk_create_with_history(objects, model, batch_size=1000, default_user=history.user,
                                     default_change_reason=history.reason)
        else:
            model.objects.bulk_create(objects, batch_size=1000)
        return [o.pk for o in objects]
    now = timezone.now()
    fields, defaults = _columns(model, now)
    ids = _new_ids(model, len(rows))
    _copy(model._meta.db_table, [model._meta.pk.column, *(f.column for f in fields)],
          ((pk, *[row.get(name, default) for name, default in defaults]) for pk, row in
           zip(ids, rows, strict=True)))
    if history is not None and _history_on():
        _copy_history(model, ids, rows, defaults, history, now)
    return ids


def _history_on() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _columns(model, now) -> tuple[list[models.Field], list[tuple[str, object]]]:
    """The model's columns but its key, and (attname, default) for each: what a field left
    out of a row is written with (auto_now and auto_now_add: now)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = [(f.attname, now if getattr(f, "auto_now", False) or getattr(
        f, "auto_now_add", False) else f.get_default()) for f in fields]
    return fields, defaults


def _new_ids(model, count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [table, column, count])
        return [pk for (pk,) in cursor.fetchall()]


def _copy(table: str, columns: list[str], rows) -> None:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_history(model, ids, rows, defaults, history: History, now) -> None:
    """One historical row of type "+" per new row, with the fields history tracks."""
    historical = model.history.model
    pk_name = model._meta.pk.attname
    tracked = [f.attname for f in historical.tracked_fields]
    value_of = dict(defaults)
    columns = [historical._meta.get_field(f.name).column for f in historical.tracked_fields]
    user_id = getattr(history.user, "pk", None)
    extra = [historical._meta.get_field(name).column for name in (
        "history_date", "history_user", "history_change_reason", "history_type")]
    _copy(historical._meta.db_table, [*columns, *extra],
          ((*[pk if name == pk_name else row.get(name, value_of.get(name)) for name in tracked],
            now, user_id, history.reason, "+") for pk, row in zip(ids, rows, strict=True)))
