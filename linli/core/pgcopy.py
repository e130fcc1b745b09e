"""Bulk work on PostgreSQL: COPY into a table, for the bulk writers of roster imports (people,
organisations); an upsert from arrays (``upsert_rows``), for rows that may exist already; and
``AnyOf``, a filter on a list of values sent as one array.

Binary when psycopg can write every column so from the Python values Django fields hold: the
server then reads each value as stored without parsing its text (a third less work for a
person's forty columns), and psycopg writes it in C. A table with a column of another type goes
as text."""

from django.db import connection
from django.db.models import Lookup
from psycopg import sql

BINARY_TYPES = frozenset({"bigint", "integer", "smallint", "boolean", "text", "date",
                          "character varying", "timestamp with time zone"})
_types: dict[tuple[str, str], dict[str, str]] = {}


class AnyOf(Lookup):
    """``AnyOf(F("person_id"), ids)`` in a filter: ``person_id = ANY(%s)``, the values as one
    array parameter. A 5,000-item ``__in`` list costs Django (a parameter each) and psycopg
    (splitting a query of 5,000 placeholders) more than the query; ``= ANY`` is also planned
    as the plain index scan of the list. PostgreSQL only."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]


def column_types(table: str, db=None) -> dict[str, str]:
    """{column: type name} of a table, asked once per database and process."""
    db = db or connection
    key = (db.settings_dict["NAME"], table)
    if key not in _types:
        with db.cursor() as cursor:
            cursor.execute("SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
                           "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                           [db.ops.quote_name(table)])
            _types[key] = dict(cursor.fetchall())
    return _types[key]


def copy_rows(table: str, columns: list[str], rows, db=None) -> None:
    """The rows (sequences in the order of ``columns``) into the table by one COPY."""
    db = db or connection
    types = column_types(table, db)
    kinds = [types[c] for c in columns]
    binary = all(k in BINARY_TYPES for k in kinds)
    statement = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(" (FORMAT BINARY)" if binary else ""))
    with db.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        if binary:
            copy.set_types(kinds)
        for row in rows:
            copy.write_row(row)


def upsert_rows(table: str, columns: list[str], rows, *, unique: list[str], db=None) -> None:
    """Insert the rows (sequences in the order of ``columns``), a row whose ``unique`` columns
    match an existing one replacing its other columns: one ``INSERT … SELECT FROM unnest(…)
    ON CONFLICT … DO UPDATE`` with each column as one array, so a thousand rows are a
    statement of nine parameters rather than nine thousand for Django and psycopg to handle.
    The rows must not repeat a key (PostgreSQL refuses to update a row twice in one
    statement)."""
    rows = list(rows)
    if not rows:
        return
    db = db or connection
    types = column_types(table, db)
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    updated = [c for c in columns if c not in unique]
    statement = sql.SQL("INSERT INTO {} ({}) SELECT * FROM unnest({}) ON CONFLICT ({}) "
                        "DO UPDATE SET {}").format(
        sql.Identifier(table), names,
        sql.SQL(", ").join(sql.SQL("%s::{}[]").format(sql.SQL(types[c])) for c in columns),
        sql.SQL(", ").join(map(sql.Identifier, unique)),
        sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c))
                           for c in updated))
    with db.cursor() as cursor:
        cursor.execute(statement.as_string(), [list(values) for values in zip(*rows, strict=True)])
