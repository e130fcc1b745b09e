"""COPY into a PostgreSQL table, for the bulk writers of roster imports (people, organisations).

Binary when psycopg can write every column so from the Python values Django fields hold: the
server then reads each value as stored without parsing its text (a third less work for a
person's forty columns), and psycopg writes it in C. A table with a column of another type goes
as text."""

from django.db import connection
from psycopg import sql

BINARY_TYPES = frozenset({"bigint", "integer", "smallint", "boolean", "text", "date",
                          "character varying", "timestamp with time zone"})
_types: dict[tuple[str, str], dict[str, str]] = {}


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
