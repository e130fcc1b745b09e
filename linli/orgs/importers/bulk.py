"""New rows written in bulk: with COPY on PostgreSQL, with the ORM's bulk insert elsewhere.

The ORM's bulk insert of the organisations' wide table and of its history costs several
times the statements' execution in Python (1,000 records and their history: about 0.45 s
against 0.1 s with COPY, bench/orgs.py), which capped a roster's commit near 1,000 rows a
second. COPY takes the rows as they are: values the fields' preparation would give back
unchanged on PostgreSQL (text, whole numbers, booleans, dates, NULL) go as they are, the
others through it (pre_save, get_db_prep_save), as in an INSERT by the ORM."""

from datetime import date

from django.conf import settings
from django.db import connection, connections
from django.db.models import Field
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

BATCH = 1000
_PLAIN = frozenset({str, int, bool, date, type(None)})


def insert_with_history(objects: list, *, user, reason: str) -> None:
    """New records of one model (their primary keys set) and their first history rows,
    by ``user`` for ``reason``."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        bulk_create_with_history(objects, model, batch_size=BATCH, default_user=user,
                                 default_change_reason=reason)
        return
    db = connections[connection.alias]  # the connection itself, not its per-thread proxy
    with db.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, len(objects)])
        for record, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            record.pk = pk
    fields = model._meta.concrete_fields
    read = [(f.attname, f.pre_save if type(f).pre_save is not Field.pre_save else None,
             f.get_db_prep_save) for f in fields]
    prepared = [{name: _prepared(o, name, pre, prep, db) for name, pre, prep in read}
                for o in objects]
    _copy(db, model._meta.db_table, [f.column for f in fields],
          (list(values.values()) for values in prepared))
    for record in objects:
        record._state.adding, record._state.db = False, db.alias
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        _history(db, model, prepared, user=user, reason=reason)


def _history(db, model, prepared: list[dict], *, user, reason: str) -> None:
    """A history row holds the record's own values (prepared) and who, when and why."""
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    told = {"history_date": timezone.now(), "history_change_reason": reason,
            "history_type": "+", "history_user_id": user.pk if user else None}
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    told = {f.attname: f.get_db_prep_save(told[f.attname], db) for f in fields
            if f.attname not in tracked}
    _copy(db, history._meta.db_table, [f.column for f in fields], (
        [values[f.attname] if f.attname in tracked else told[f.attname] for f in fields]
        for values in prepared))


def insert_links(through, pairs: list[tuple[int, int]]) -> None:
    """Rows of a many-to-many table: (first model's id, second model's id) pairs."""
    first, second = (f for f in through._meta.concrete_fields if not f.primary_key)
    if connection.vendor != "postgresql":
        through.objects.bulk_create([through(**{first.attname: a, second.attname: b})
                                     for a, b in pairs], batch_size=BATCH)
        return
    _copy(connections[connection.alias], through._meta.db_table,
          [first.column, second.column], pairs)


def _prepared(record, name: str, pre, prep, db):
    """The field's value for the database: pre_save sets it for the fields that need it
    (auto_now), get_db_prep_save prepares what is not plain."""
    value = pre(record, True) if pre else getattr(record, name)
    return value if type(value) in _PLAIN else prep(value, db)


def _copy(db, table: str, columns: list[str], rows) -> None:
    quote = db.ops.quote_name
    with db.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
