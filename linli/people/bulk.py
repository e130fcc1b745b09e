"""Rows written in bulk, for a roster import: a 100,000-row roster must not cost a Django
model instance, a per-field ``get_db_prep_save`` and a parameterised INSERT per value.

On PostgreSQL the new primary keys are taken from the table's sequence first (so the rows
that point at them — memberships, contacts — can be written in the same pass) and the rows
go in by COPY; elsewhere (SQLite, for development and the tests) through ``bulk_create``.
History (django-simple-history) is written for each row either way, as
``bulk_create_with_history`` writes it: one historical row of type "+" per created row,
with the acting user and the reason."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from operator import itemgetter

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from psycopg import sql
from simple_history.utils import bulk_create_with_history

from linli.core.pgcopy import copy_rows


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
    pk_name = model._meta.pk.attname
    # Each row with every column (the defaults under what it gives), built once for the
    # table and its history: a dict merge and an itemgetter, not a get per column.
    full = [{**defaults, **row, pk_name: pk} for pk, row in zip(ids, rows, strict=True)]
    names = [pk_name, *(f.attname for f in fields)]
    copy_rows(model._meta.db_table, [model._meta.pk.column, *(f.column for f in fields)],
              map(itemgetter(*names), full))
    if history is not None and _history_on():
        _copy_history(model, full, history, now)
    return ids


def values_where(model: type[models.Model], field: str, values: Collection[str],
                 columns: list[str]) -> list[tuple]:
    """``model.objects.filter(<field>__in=values).exclude(<field>="").values_list(*columns)``
    for a chunk's worth of values. On PostgreSQL the values go as one array (``= ANY``):
    a thousand-item IN list costs Django and psycopg more than the query itself, and
    ``<> ''`` lets a partial index on the non-blank values answer."""
    if not values:
        return []
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{field}__in": values}).exclude(**{field: ""})
                    .values_list(*columns))
    meta = model._meta
    selected = sql.SQL(", ").join(sql.Identifier(meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        column = sql.Identifier(meta.get_field(field).column)
        cursor.execute(sql.SQL("SELECT {} FROM {} WHERE {} = ANY(%s) AND {} <> ''").format(
            selected, sql.Identifier(meta.db_table), column, column).as_string(),
            [list(values)])
        return cursor.fetchall()


def _history_on() -> bool:
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def _columns(model, now) -> tuple[list[models.Field], dict[str, object]]:
    """The model's columns but its key, and {attname: default}: what a field left out of
    a row is written with (auto_now and auto_now_add: now)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: now if getattr(f, "auto_now", False) or getattr(
        f, "auto_now_add", False) else f.get_default() for f in fields}
    return fields, defaults


def _new_ids(model, count: int) -> list[int]:
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [table, column, count])
        return [pk for (pk,) in cursor.fetchall()]


def _copy_history(model, full: list[dict], history: History, now) -> None:
    """One historical row of type "+" per new row (``full``: every column of each, its
    key included), with the fields history tracks."""
    historical = model.history.model
    tracked = itemgetter(*(f.attname for f in historical.tracked_fields))
    columns = [historical._meta.get_field(f.name).column for f in historical.tracked_fields]
    extra = (now, getattr(history.user, "pk", None), history.reason, "+")
    names = [historical._meta.get_field(name).column for name in (
        "history_date", "history_user", "history_change_reason", "history_type")]
    copy_rows(historical._meta.db_table, [*columns, *names],
              (tracked(row) + extra for row in full))
