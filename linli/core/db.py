"""Database functions the ORM lacks, for both databases the platform runs on."""

from django.db.models import DateField, Func


class AddDays(Func):
    """A date plus a whole number of days, computed in the database."""

    arity = 2
    arg_joiner = " + "  # PostgreSQL: date + integer is a date
    template = "(%(expressions)s)"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="date(%(expressions)s || ' days')",
                           arg_joiner=", '+' || ", **extra_context)
