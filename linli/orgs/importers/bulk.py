"""New rows written in bulk, from dicts of their values: with COPY on PostgreSQL, with the
ORM's bulk insert elsewhere.

A roster's commit must not cost a Django model instance, a ``pre_save`` and a
``get_db_prep_save`` per field of each new record: for the organisations' wide table that
was most of a commit's time (bench/orgs.py). On PostgreSQL the primary keys are taken from
the table's sequence first, each row is its values over the fields' defaults (prepared
once for the chunk), and the rows and their first history rows go in by COPY in the binary
format. Values other than text, whole numbers, booleans, dates, times and NULL go through
the field's ``get_db_prep_save``, as in an INSERT by the ORM."""

from collections.abc import Sequence
from datetime import date, datetime
from operator import itemgetter

from django.conf import settings
from django.db import connection, connections
from django.db.models import Model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from linli.core.pgcopy import copy_rows

BATCH = 1000
_PLAIN = frozenset({str, int, bool, date, datetime, type(None)})


def insert_with_history(model: type[Model], rows: Sequence[dict], *, user,
                        reason: str) -> list[int]:
    """Create ``rows`` ({field attname: value}; a field left out takes its default, an
    ``auto_now`` one the time of the insert) with their first history rows, by ``user``
    for ``reason``; their primary keys, in order."""
    if not rows:
        return []
    db = connections[connection.alias]  # the connection itself, not its per-thread proxy
    if db.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        bulk_create_with_history(objects, model, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
        return [o.pk for o in objects]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: _value(f, _default(f, now), db) for f in fields}
    prepared = {f.attname: f for f in fields}
    ids = _new_ids(db, model, len(rows))
    pk = model._meta.pk.attname
    full = [{**defaults, **{k: v if type(v) in _PLAIN else _value(prepared[k], v, db)
                            for k, v in row.items()}, pk: new_id}
            for row, new_id in zip(rows, ids, strict=True)]
    names = [pk, *(f.attname for f in fields)]
    copy_rows(model._meta.db_table, [model._meta.pk.column, *(f.column for f in fields)],
              map(itemgetter(*names), full), db)
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _history(db, model, full, user=user, reason=reason, now=now)
    return ids


def _default(field, now):
    """What a field left out is written with: the insert's time for a time set on saving
    or defaulting to the time (so created_at is never after updated_at), else its default."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) or (
            field.default is timezone.now):
        return now
    return field.get_default()


def _value(field, value, db):
    return value if type(value) in _PLAIN else field.get_db_prep_save(value, db)


def _new_ids(db, model: type[Model], count: int) -> list[int]:
    with db.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
        return [pk for (pk,) in cursor.fetchall()]


def _history(db, model: type[Model], full: list[dict], *, user, reason: str, now) -> None:
    """A history row holds the record's tracked values and who, when and why (type "+")."""
    history = model.history.model
    tracked = [f.attname for f in history.tracked_fields]
    told = {"history_date": now, "history_change_reason": reason, "history_type": "+",
            "history_user_id": user.pk if user else None}
    fields = [f for f in history._meta.concrete_fields
              if not f.primary_key and f.attname not in tracked]
    extra = tuple(_value(f, told[f.attname], db) for f in fields)
    columns = [history._meta.get_field(name).column for name in tracked]
    copy_rows(history._meta.db_table, [*columns, *(f.column for f in fields)],
              (values + extra for values in map(itemgetter(*tracked), full)), db)


def insert_links(through, pairs: list[tuple[int, int]]) -> None:
    """Rows of a many-to-many table: (first model's id, second model's id) pairs."""
    first, second = (f for f in through._meta.concrete_fields if not f.primary_key)
    db = connections[connection.alias]
    if db.vendor != "postgresql":
        through.objects.bulk_create([through(**{first.attname: a, second.attname: b})
                                     for a, b in pairs], batch_size=BATCH)
        return
    if pairs:
        copy_rows(through._meta.db_table, [first.column, second.column], pairs, db)
