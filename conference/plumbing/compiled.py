"""Hot-path queries that the ORM compiles once per process.

On the paths every door scan takes, compiling a query with joins or EXISTS
subqueries cost the ORM more than the database took to run it (0.6 ms
against 0.04 ms for the badge look-up; about 3 ms for the token query).
A :class:`CompiledQuery` builds its queryset once per database vendor, keeps
the SQL, and runs it with its values in place of placeholders.
"""

import datetime as dt

from django.db import connection, connections
from django.db.models.sql.subqueries import UpdateQuery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

PLACEHOLDER = "compiled-query-placeholder"
# For a number: a value no real row holds, told apart from every other parameter.
NUMBER_PLACEHOLDER = 2_147_000_011  # inside every integer range, so no lookup optimises it away


class CompiledQuery:
    def __init__(self, build, placeholders=(PLACEHOLDER,)):
        """``build(*placeholders)`` returns the queryset, with each placeholder used as a parameter.

        ``placeholders`` are sentinel values of the types the query compares
        them with (a string by default; :data:`NUMBER_PLACEHOLDER` for an
        integer); :meth:`fetchone` takes the real values in the same order.
        """
        self._build = build
        self._placeholders = tuple(placeholders)
        self._compiled = {}  # database vendor -> (sql, params with the placeholders)

    def _sql(self):
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            sql, params = self._build(*self._placeholders).query.sql_with_params()
            params = tuple(params)
            for placeholder in self._placeholders:
                if placeholder not in params:
                    raise RuntimeError(f"A compiled query must take {placeholder!r} as a parameter, not {params!r}.")
            compiled = self._compiled[connection.vendor] = (sql, params)
        return compiled

    def _run(self, cursor, values):
        sql, params = self._sql()
        position = {placeholder: i for i, placeholder in enumerate(self._placeholders)}
        cursor.execute(
            sql, [values[position[param]] if _is_placeholder(param, position) else param for param in params]
        )

    def fetchone(self, *values):
        with connection.cursor() as cursor:
            self._run(cursor, values)
            return cursor.fetchone()

    def fetchall(self, *values):
        with connection.cursor() as cursor:
            self._run(cursor, values)
            return cursor.fetchall()


def _is_placeholder(param, position):
    return isinstance(param, str | int) and not isinstance(param, bool) and param in position


# --- Reading flat rows back into models ----------------------------------------------------------


def aware(value):
    """A datetime read by a raw cursor: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if value is None or isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def partial_instance(model, **values):
    """A model instance holding only ``values`` (by attribute name), as if loaded with ``only()``."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def cache_related(instance, field_name, related):
    """Give ``instance`` its related object ``field_name`` without a query."""
    instance._meta.get_field(field_name).set_cached_value(instance, related)


def update_returning_pks(queryset, **values):
    """``queryset.update(**values)`` that returns the primary keys of the rows it changed, in one statement.

    ``UPDATE ... RETURNING`` (PostgreSQL; SQLite 3.35 and later): the rows are
    chosen, changed and locked (until the transaction ends) at once, so the
    caller acts on exactly the rows that were changed, with no list of ids
    sent to the database and back (thousands of parameters cost more to
    send than the update takes). Only for a queryset filtered on its own
    table's columns, which the ORM compiles to a plain ``UPDATE ... WHERE``.
    """
    query = queryset.order_by().query.chain(UpdateQuery)
    query.add_update_values(values)
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not sql:
        return []
    db = connections[queryset.db]
    with db.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {db.ops.quote_name(queryset.model._meta.pk.column)}", params)
        return [row[0] for row in cursor.fetchall()]
